import { randomBytes } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TEST_POSTGRES_URL } from '@kasho/testing';
import { DataSource } from 'typeorm';
import {
  checkDatabase,
  createDataSource,
  DatabaseModule,
  dropDatabaseIfExists,
  pendingMigrations,
  withDatabaseName,
} from '../src';
import { widgetMigrations } from './fixtures/migrations';
import { Widget } from './fixtures/widget.entity';

// DatabaseModule creates this database itself on start.
const url = withDatabaseName(TEST_POSTGRES_URL, `kasho_test_module_${randomBytes(5).toString('hex')}`);

@Injectable()
class WidgetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(name: string): Promise<Widget> {
    return this.dataSource.getRepository(Widget).save({ name, priceMinor: '100', sku: null });
  }
}

afterAll(() => dropDatabaseIfExists(url));

describe('DatabaseModule', () => {
  it('creates and migrates the database on start, provides DataSource, closes the pool on shutdown', async () => {
    @Module({
      imports: [
        DatabaseModule.forRoot({
          url,
          entities: [Widget],
          migrations: widgetMigrations,
          migrateOnStart: true,
          poolSize: 2,
        }),
      ],
      providers: [WidgetsRepository],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    const dataSource = app.get(DataSource);
    expect(await pendingMigrations(dataSource)).toEqual([]);
    expect(await app.get(WidgetsRepository).add('nut')).toMatchObject({ name: 'nut' });
    expect(await checkDatabase(dataSource)).toBe(true);

    await app.close();
    expect(dataSource.isInitialized).toBe(false);
    expect(await checkDatabase(dataSource)).toBe(false);
  });

  it('takes its options from injected config (forRootAsync), without migrating when told not to', async () => {
    const CONFIG = Symbol('CONFIG');
    @Module({ providers: [{ provide: CONFIG, useValue: { DATABASE_URL: url } }], exports: [CONFIG] })
    class ConfigModule {}
    @Module({
      imports: [
        DatabaseModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (config: { DATABASE_URL: string }) => ({
            url: config.DATABASE_URL,
            entities: [Widget],
            migrations: widgetMigrations,
            migrateOnStart: false,
          }),
        }),
      ],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    expect(await app.get(DataSource).getRepository(Widget).count()).toBe(1);
    await app.close();
  });

  it('fails start-up when the database is missing and it may not create it', async () => {
    @Module({
      imports: [
        DatabaseModule.forRoot({
          url: withDatabaseName(url, `${randomBytes(4).toString('hex')}_missing`),
          entities: [],
          migrations: [],
          migrateOnStart: false,
        }),
      ],
    })
    class AppModule {}

    await expect(
      NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/does not exist/);
  });
});

describe('checkDatabase', () => {
  it('is false, quickly, for a data source that is not connected', async () => {
    const unreachable = createDataSource({
      url: 'postgres://postgres@127.0.0.1:1/nowhere',
      entities: [],
      migrations: [],
    });
    await expect(unreachable.initialize()).rejects.toThrow();
    const started = Date.now();
    expect(await checkDatabase(unreachable)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
