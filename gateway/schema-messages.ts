// The zh-CN half of JSON Schema limit refusals (Ajv's message is the English half), shared by contract validation
// and the config check so the same rule reads the same wherever it is refused.
const LIMIT_ZH: Record<string, string> = {
  minLength: "长度应不少于（字符）",
  maxLength: "长度应不超过（字符）",
  minimum: "应不小于",
  maximum: "应不大于",
  exclusiveMinimum: "应大于",
  exclusiveMaximum: "应小于",
  minItems: "项数应不少于",
  maxItems: "项数应不超过",
  minProperties: "字段数应不少于",
  maxProperties: "字段数应不超过",
};

/** "应不大于 65535" for a limit keyword, or undefined for any other keyword. */
export function limitZh(keyword: string, limit: unknown): string | undefined {
  const zh = LIMIT_ZH[keyword];
  return zh === undefined ? undefined : `${zh} ${limit}`;
}
