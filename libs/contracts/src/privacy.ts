import { defineRpc, type RpcContract } from './rpc';
import { PRIVACY_PARTICIPANTS, type BackendServiceName } from './services';

/**
 * The privacy contract (GDPR articles 15, 17 and 20): every service that holds data about a person implements
 * `privacy.export` (what it holds about a user id, as JSON) and, if it holds personal data, handles
 * `account.customer.erased.v1` (erase or pseudonymise it; see `accountEvents.customerErased`). The account service gathers exports from every service in
 * `PRIVACY_PARTICIPANTS` (libs/contracts/src/services.ts) and orchestrates erasure, so a service added later plugs
 * in by implementing this contract and adding its name to that list, without a change to the account service.
 */

export interface PrivacyExportRequest {
  userId: string;
}

/** One service's part of a data export: what it holds, in its own shape, JSON only. */
export interface PrivacyExportSection {
  service: BackendServiceName;
  data: Record<string, unknown>;
}

/** `GET /v1/me/data-export`: one document, every section; a service that could not answer says so. */
export interface DataExport {
  subjectId: string;
  generatedAt: string;
  sections: Record<string, { status: 'ok'; data: Record<string, unknown> } | { status: 'unavailable' }>;
}

export function privacyExportRpc(
  service: BackendServiceName,
): RpcContract<PrivacyExportRequest, PrivacyExportSection> {
  return defineRpc<PrivacyExportRequest, PrivacyExportSection>(service, 'privacy.export');
}

/** The export RPC of every participant but `except` (the service gathering them answers its own part itself). */
export function privacyExportRpcs(
  except?: BackendServiceName,
): Array<RpcContract<PrivacyExportRequest, PrivacyExportSection>> {
  return PRIVACY_PARTICIPANTS.filter((service) => service !== except).map(privacyExportRpc);
}
