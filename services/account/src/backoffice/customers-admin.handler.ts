import {
  accountRpc,
  type CustomerDetail,
  type CustomerDetailRequest,
  type CustomerSearchRequest,
  type CustomerSearchResult,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { CustomersAdminService } from './customers-admin.service';

/** RPC adapter for the back office: one line per method. */
@Injectable()
export class CustomersAdminHandler {
  constructor(private readonly admin: CustomersAdminService) {}

  @RpcHandler(accountRpc.searchCustomers)
  search(request: CustomerSearchRequest): Promise<CustomerSearchResult> {
    return this.admin.search(request);
  }

  @RpcHandler(accountRpc.getCustomer)
  get(request: CustomerDetailRequest): Promise<CustomerDetail> {
    return this.admin.get(request);
  }
}
