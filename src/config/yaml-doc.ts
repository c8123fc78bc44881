/**
 * YAML + JSON Schema with located errors, shared by the tenant file and the service settings:
 * parse with `yaml` (line counter kept), validate with ajv, and map any path back to its line.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { OcrouteError } from '../errors';

export type Path = (string | number)[];

export interface LocatedDoc<T> {
  data: T;
  /** Line of the deepest node on `path` that exists (a missing field points at its parent). */
  lineOf(path: Path): number;
  has(path: Path): boolean;
}

const ajv = new Ajv({ allErrors: false, strict: true, useDefaults: true });

export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

export function loadYamlDoc<T>(src: string, validate: ValidateFunction, file?: string): LocatedDoc<T> {
  const lc = new LineCounter();
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new OcrouteError('E_YAML', `YAML syntax: ${e.message.split('\n')[0]}`, {
      file,
      line: lc.linePos(e.pos[0]).line,
    });
  }
  let data: T;
  try {
    data = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as T;
  } catch (e) {
    // The yaml package refuses alias bombs ("billion laughs") here, with a ReferenceError.
    throw new OcrouteError('E_YAML', `YAML: ${(e as Error).message} (at most 100 alias expansions)`, { file, line: 1 });
  }
  const lineOf = (path: Path) => locate(doc, lc, path);
  const valid: boolean = validate(data);
  if (!valid) {
    const err = validate.errors![0];
    const path = pointerToPath(err.instancePath);
    throw new OcrouteError('E_SCHEMA', schemaMessage(err), {
      file, line: lineOf(path), field: path.join('.') || '(root)',
    });
  }
  return { data, lineOf, has: (path) => doc.getIn(path, true) !== undefined };
}

export function schemaMessage(e: ErrorObject, root = 'the document'): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : root;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': return `unknown field '${p.additionalProperty}' in ${where}`;
    case 'required': return `${where} is missing required field '${p.missingProperty}'`;
    case 'enum': return `${where} must be one of ${(p.allowedValues as string[]).join(', ')}`;
    default: return `${where} ${e.message}`;
  }
}

export function pointerToPath(ptr: string): Path {
  if (!ptr) return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function locate(doc: Document, lc: LineCounter, path: Path): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1; // an empty document: its error is about line 1
}
