// OpenAPI 3.0 schemas in JSON Schema 2020-12 terms (the dialect our validators and samplers read, as OpenAPI 3.1 uses):
// `nullable: true` becomes a "null" type alternative, boolean exclusiveMinimum/Maximum become numbers (OAS 3.0.3 §4.7.24,
// OAS 3.1 "Schema Object" migration notes). 3.1 schemas pass through unchanged.

const MAP_KEYS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const ONE_KEYS = ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"];
const LIST_KEYS = ["allOf", "anyOf", "oneOf", "prefixItems"];

export function upgradeSchema(schema: unknown, memo: Map<object, unknown> = new Map()): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const hit = memo.get(schema);
  if (hit) return hit;
  const s = schema as Record<string, any>;
  const out: Record<string, any> = { ...s };
  memo.set(schema, out);
  for (const k of MAP_KEYS)
    if (s[k] && typeof s[k] === "object")
      out[k] = Object.fromEntries(Object.entries(s[k]).map(([n, v]) => [n, upgradeSchema(v, memo)]));
  for (const k of ONE_KEYS) if (s[k] && typeof s[k] === "object") out[k] = upgradeSchema(s[k], memo);
  for (const k of LIST_KEYS) if (Array.isArray(s[k])) out[k] = s[k].map((v: unknown) => upgradeSchema(v, memo));
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
  // `discriminator` and `example` are annotations to a validator; Ajv (strict: false) ignores them
  return out;
}
