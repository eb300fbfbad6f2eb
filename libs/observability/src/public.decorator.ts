import { SetMetadata } from '@nestjs/common';

/**
 * Metadata key marking a controller or handler as reachable without authentication. Guards (the gateway's) read it
 * with `Reflector.getAllAndOverride(IS_PUBLIC, [handler, class])`.
 */
export const IS_PUBLIC = 'kasho:is-public';

/** Declares an endpoint public on purpose: every endpoint has either a guard or this (house style rule 9). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);
