import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPolicySet, parsePolicyDocument } from '../core/documents';
import type { PolicyDocument, PolicyLibrary } from '../core/ports';

/**
 * The policy documents from a folder: in Lambda the copy made beside the bundle at bundling
 * (/var/task/policies/privacy), locally the repository's policies/privacy. Read once, at cold start.
 */
export class FilePolicyLibrary implements PolicyLibrary {
  private readonly loaded: readonly PolicyDocument[];

  constructor(directory: string) {
    const names = readdirSync(directory).filter((name) => name.endsWith('.md'));
    this.loaded = checkPolicySet(
      names.map((name) => ({
        name,
        document: parsePolicyDocument(readFileSync(path.join(directory, name), 'utf8'), name),
      })),
    );
  }

  documents(): readonly PolicyDocument[] {
    return this.loaded;
  }
}
