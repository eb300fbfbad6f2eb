import {
  type DynamicModule,
  Global,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, type CreateDataSourceOptions } from './data-source';
import { ensureDatabaseExists } from './ensure-database';
import { migrate } from './migrations';

export interface DatabaseModuleOptions extends CreateDataSourceOptions {
  /** Create the database if it is missing and apply pending migrations before the application starts. */
  migrateOnStart?: boolean;
}

export interface DatabaseModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => DatabaseModuleOptions | Promise<DatabaseModuleOptions>;
}

const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');

/** Opens the pool; with `migrateOnStart`, first creates the database if needed and migrates it. */
export async function openDatabase(options: DatabaseModuleOptions): Promise<DataSource> {
  if (options.migrateOnStart) await ensureDatabaseExists(options.url);
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    if (options.migrateOnStart) await migrate(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * The service's one `DataSource`, provided under TypeORM's `DataSource` class itself, so repositories simply inject
 * `DataSource`. Global: imported once, by the app module. The pool closes on application shutdown.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return DatabaseModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: DatabaseModuleAsyncOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: DATABASE_MODULE_OPTIONS,
          // Nest types factories as taking any[]; the caller's parameter types are checked by `inject` at run time.
          useFactory: options.useFactory as (
            ...args: unknown[]
          ) => DatabaseModuleOptions | Promise<DatabaseModuleOptions>,
          inject: options.inject ?? [],
        },
        { provide: DataSource, useFactory: openDatabase, inject: [DATABASE_MODULE_OPTIONS] },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
