import {
  type AdminTransferRequest,
  type CreateTransferBatchesRequest,
  type CreateTransferBatchesResponse,
  type CreateTransfersRequest,
  type CreateTransfersResponse,
  ledgerRpc,
  type LookupTransfersRequest,
  type LookupTransfersResponse,
  type Transfer,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { TransfersService } from './transfers.service';

/** RPC adapter: one line per method. */
@Injectable()
export class TransfersHandler {
  constructor(private readonly transfers: TransfersService) {}

  @RpcHandler(ledgerRpc.createTransfers)
  create(request: CreateTransfersRequest): Promise<CreateTransfersResponse> {
    return this.transfers.create(request);
  }

  @RpcHandler(ledgerRpc.createTransferBatches)
  createBatches(request: CreateTransferBatchesRequest): Promise<CreateTransferBatchesResponse> {
    return this.transfers.createBatches(request);
  }

  @RpcHandler(ledgerRpc.lookupTransfers)
  lookup(request: LookupTransfersRequest): Promise<LookupTransfersResponse> {
    return this.transfers.lookup(request);
  }

  @RpcHandler(ledgerRpc.adminTransfer)
  adminCreate(request: AdminTransferRequest): Promise<Transfer> {
    return this.transfers.adminCreate(request);
  }
}
