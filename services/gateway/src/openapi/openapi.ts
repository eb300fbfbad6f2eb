import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { zodComponents } from './zod-schemas';

/**
 * Serves the OpenAPI 3.1 document generated from the code at `/openapi.json` and interactive docs at `/docs`.
 * Request and response schemas come from the zod schemas that validate them (JSON Schema 2020-12, OpenAPI 3.1's
 * dialect); operations that need a token say so (`@RequirePermission` adds the bearer requirement).
 */
export function setUpOpenApi(app: NestFastifyApplication, version: string): void {
  const document = buildOpenApiDocument(app, version);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    raw: ['json', 'yaml'],
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Kasho API')
    .setDescription('The public REST API of the Kasho wallet and payments platform.')
    .setVersion(version)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas: Record<string, unknown> = { ...document.components?.schemas, ...zodComponents() };
  document.components = {
    ...document.components,
    schemas: schemas as NonNullable<OpenAPIObject['components']>['schemas'],
  };
  toJsonSchemaNullability(document);
  return document;
}

/**
 * @nestjs/swagger still writes OpenAPI 3.0's `nullable: true` for class-based DTOs; in 3.1 (JSON Schema 2020-12)
 * null is a type, so `{type: 'string', nullable: true}` becomes `{type: ['string', 'null']}`.
 */
function toJsonSchemaNullability(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) toJsonSchemaNullability(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (schema.nullable === true) {
    delete schema.nullable;
    const type: unknown = schema.type;
    if (typeof type === 'string') schema.type = [type, 'null'];
    else if (Array.isArray(type) && !type.includes('null')) schema.type = [...(type as string[]), 'null'];
  } else if (schema.nullable === false) {
    delete schema.nullable;
  }
  for (const value of Object.values(schema)) toJsonSchemaNullability(value);
}
