import { PolicyFrontMatterSchema } from '#schemas/policy/policy';
import type { PolicyDocument } from './ports';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/;

/**
 * A policy document: front matter between `---` lines, then Markdown. Refuses anything else. The front
 * matter is one JSON object (which is also YAML, so Markdown tools still show it as front matter): every
 * function reads these documents at cold start, and JSON.parse spares each bundle a YAML parser.
 */
export function parsePolicyDocument(source: string, name: string): PolicyDocument {
  const match = FRONT_MATTER.exec(source);
  if (!match) throw new Error(`${name}: a policy document opens with front matter between --- lines`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1] ?? '');
  } catch (error) {
    throw new Error(`${name}: the front matter is not a JSON object: ${(error as Error).message}`);
  }
  const front = PolicyFrontMatterSchema.safeParse(parsed);
  if (!front.success) throw new Error(`${name}: invalid front matter: ${front.error.message}`);
  return { ...front.data, markdown: (match[2] ?? '').trim() };
}

/**
 * The versions in order, checked: numbered 1…n without gaps, each file named after its version, dates
 * never going back. A broken set fails at cold start (and in the unit tests), not in front of a user.
 */
export function checkPolicySet(documents: readonly { name: string; document: PolicyDocument }[]) {
  const sorted = [...documents].sort((a, b) => a.document.version - b.document.version);
  sorted.forEach(({ name, document }, index) => {
    if (document.version !== index + 1) throw new Error(`${name}: expected version ${index + 1}`);
    if (name !== `${document.version}.md`) throw new Error(`${name}: must be named ${document.version}.md`);
    const previous = sorted[index - 1]?.document;
    if (previous && document.lastUpdated < previous.lastUpdated) {
      throw new Error(`${name}: lastUpdated goes back in time`);
    }
    if (previous && document.effectiveDate < previous.effectiveDate) {
      throw new Error(`${name}: effectiveDate goes back in time`);
    }
  });
  return sorted.map(({ document }) => document);
}

const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/** The version in force: the newest whose effective date has come (UTC days); null before the first. */
export function documentInForce(documents: readonly PolicyDocument[], now: Date): PolicyDocument | null {
  const today = dayOf(now);
  return documents.findLast((document) => document.effectiveDate <= today) ?? null;
}
