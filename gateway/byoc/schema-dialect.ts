// OpenAPI schemas in JSON Schema 2020-12 terms (the dialect our validators and samplers read, as OpenAPI 3.1 uses).
// From 3.0: `nullable: true` becomes a "null" type alternative, boolean exclusiveMinimum/Maximum become numbers
// (OAS 3.0.3 §4.7.24, OAS 3.1 "Schema Object" migration notes). Both versions: a `discriminator` over `oneOf`/`anyOf`
// branches named by $ref becomes a check that selects the branch by the tag (below); everything else passes unchanged.

/** Where the dereferenced contract keeps a discriminator's tags per branch (contract-file.ts reads them from $refs). */
export const DISCRIMINATOR_TAGS = "x-gatesim-discriminator-tags";
/** The rewritten schema's branches, for the sampler (sample.ts answers the first branch with its tag). */
export const DISCRIMINATED = "x-gatesim-discriminated";
export interface Discriminated {
  propertyName: string;
  /** The schema beside the branches (its own properties, allOf), sampled under the branch's. */
  base: unknown;
  branches: { tags: string[]; schema: unknown }[];
}

const MAP_KEYS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const ONE_KEYS = ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"];
const LIST_KEYS = ["allOf", "anyOf", "oneOf", "prefixItems"];

/**
 * The discriminator as a validator reads it: the tag property is required and one of the branches' tags, and the
 * tag selects the one branch the value is checked against (OAS §4.8.25: "the discriminator ... is used to aid in
 * serialization, deserialization, and validation"). Unlike plain `oneOf`, a value that happens to match two branches
 * is not refused, and a wrong branch's errors are not listed. Ajv's own `discriminator` keyword refuses `mapping`.
 */
function discriminate(out: Record<string, any>, tags: string[][]): Record<string, any> {
  const { oneOf, anyOf, [DISCRIMINATOR_TAGS]: _t, ...rest } = out;
  const branches: unknown[] = oneOf ?? anyOf;
  const prop: string = out.discriminator.propertyName;
  const tag = (values: string[]) => ({ properties: { [prop]: { enum: values } }, required: [prop] });
  // `type` in the condition: for a value that is no object the branches do not apply (one type error, not one each)
  const select = (values: string[]) => ({ type: "object", ...tag(values) });
  const tagged: Discriminated = {
    propertyName: prop,
    base: rest,
    branches: branches.map((schema, i) => ({ tags: tags[i], schema })),
  };
  return {
    ...rest,
    type: rest.type ?? "object",
    allOf: [...(rest.allOf ?? []), tag(tags.flat()), ...branches.map((then, i) => ({ if: select(tags[i]), then }))],
    [DISCRIMINATED]: tagged,
  };
}

/** `from30`: apply the 3.0 → 3.1 changes too (3.1 schemas get the discriminator rewrite only). */
export function upgradeSchema(schema: unknown, memo: Map<object, unknown> = new Map(), from30 = true): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const hit = memo.get(schema);
  if (hit) return hit;
  const s = schema as Record<string, any>;
  const out: Record<string, any> = { ...s };
  memo.set(schema, out);
  for (const k of MAP_KEYS)
    if (s[k] && typeof s[k] === "object")
      out[k] = Object.fromEntries(Object.entries(s[k]).map(([n, v]) => [n, upgradeSchema(v, memo, from30)]));
  for (const k of ONE_KEYS) if (s[k] && typeof s[k] === "object") out[k] = upgradeSchema(s[k], memo);
  for (const k of LIST_KEYS) if (Array.isArray(s[k])) out[k] = s[k].map((v: unknown) => upgradeSchema(v, memo, from30));
  const tags = s[DISCRIMINATOR_TAGS];
  if (!from30) return Array.isArray(tags) ? swap(memo, schema, discriminate(out, tags)) : out;
  if (s.nullable === true) {
    delete out.nullable;
    if (typeof s.type === "string") out.type = [s.type, "null"];
    if (Array.isArray(s.enum) && !s.enum.includes(null)) out.enum = [...s.enum, null];
    if (s.type === undefined && !s.enum) return (memo.set(schema, out), out);
  } else if (s.nullable === false) delete out.nullable;
  if (s.exclusiveMinimum === true && typeof s.minimum === "number") {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  } else if (typeof s.exclusiveMinimum === "boolean") delete out.exclusiveMinimum;
  if (s.exclusiveMaximum === true && typeof s.maximum === "number") {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  } else if (typeof s.exclusiveMaximum === "boolean") delete out.exclusiveMaximum;
  // `example` is an annotation to a validator; Ajv (strict: false) ignores it
  return Array.isArray(tags) ? swap(memo, schema, discriminate(out, tags)) : out;
}

/** The memo holds the rewritten schema from now on (a cycle met before the rewrite keeps the plain copy). */
function swap(memo: Map<object, unknown>, schema: object, rewritten: unknown): unknown {
  memo.set(schema, rewritten);
  return rewritten;
}
