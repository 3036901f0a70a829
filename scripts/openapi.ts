import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument } from '../functions/shared/openapi';

/** Writes docs/openapi.json from the route table (the same document GET /v1/openapi.json serves). */
const target = path.resolve(__dirname, '..', 'docs', 'openapi.json');
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument('dev'), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
