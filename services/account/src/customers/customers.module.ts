import { Module } from '@nestjs/common';
import { CustomerVault } from './customer-vault';
import { CustomersHandler } from './customers.handler';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';

/** Customers and their personal data (sealed under per-customer data keys). */
@Module({
  providers: [CustomersRepository, CustomerVault, CustomersService, CustomersHandler],
  exports: [CustomersRepository, CustomerVault, CustomersService],
})
export class CustomersModule {}
