// /docs: Swagger UI over every contract (one entry per document in its selector) and @fastify/swagger in static
// mode over the combined document (/docs/json). Each contract is also served alone at /docs/contracts/<name>.json.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import type { Runtime } from "./runtime.js";

export function combinedDocument(rt: Runtime): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = {};
  const tags: unknown[] = [];
  for (const d of rt.table.documents) {
    Object.assign(paths, d.dereferenced.paths ?? {});
    Object.assign(securitySchemes, d.dereferenced.components?.securitySchemes ?? {});
    tags.push(...(d.dereferenced.tags ?? []));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "gatesim — 广东省政务 API 网关与共享平台模拟器 / Guangdong provincial gateway and shared-platform simulator",
      version: rt.version,
      description: `所有契约合并视图；各平台契约见右上角选择器。/ All contracts combined; pick a single platform's contract in the selector. Contracts: ${rt.table.documents.map((d) => `/docs/contracts/${d.name}.json`).join(", ")}`,
    },
    servers: [{ url: "/" }],
    tags,
    paths,
    components: { securitySchemes },
  };
}

export function registerDocs(app: FastifyInstance, rt: Runtime): void {
  const byName = new Map(rt.table.documents.map((d) => [d.name, d.bundled]));
  app.register(swagger, { mode: "static", specification: { document: combinedDocument(rt) as any } });
  app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: {
      urls: [{ url: "/docs/json", name: "all 全部" }, ...rt.table.documents.map((d) => ({ url: `/docs/contracts/${d.name}.json`, name: `${d.name} — ${d.source.info?.title ?? d.name}` }))],
      "urls.primaryName": "all 全部",
      deepLinking: true,
    } as any,
  });
  app.get("/docs/contracts/:file", async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const doc = byName.get(file.replace(/\.json$/, ""));
    if (!doc) {
      reply.code(404);
      return { errcode: 40401, errmsg: `没有契约 ${file} / no contract ${file}`, data: null, _diagnostics: [{ location: "/path", rule: "docs.contract", seen: file, message: "unknown contract", hint: `known: ${[...byName.keys()].map((n) => n + ".json").join(", ")}` }] };
    }
    return doc;
  });
}
