export { currentContext, runWithContext } from './request-context';
export type { RequestContext } from './request-context';
