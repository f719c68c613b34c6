// /docs: Swagger UI over every contract (one entry per document in its selector) and @fastify/swagger in static
// mode over the combined document (/docs/json). Each contract is also served alone at /docs/contracts/<name>.json.
//
// The docs live in their own small Fastify instance, built on the first /docs request: Swagger UI, its static files,
// the YAML library and the combined, dereferenced document are not needed to answer API calls, and building them at
// start-up cost about a tenth of the cold start (target: 1 s).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Runtime } from "./runtime.js";
import { DOCS_ROUTES } from "./page-routes.js";

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
      title:
        "gatesim — 广东省政务 API 网关与共享平台模拟器 / Guangdong provincial gateway and shared-platform simulator",
      version: rt.version,
      description: `所有契约合并视图；各平台契约见右上角选择器。/ All contracts combined; pick a single platform's contract in the selector. Contracts: ${rt.table.documents.map((d) => `/docs/contracts/${d.name}.json`).join(", ")}`,
    },
    servers: [{ url: "/" }],
    tags,
    paths,
    components: { securitySchemes },
  };
}

async function buildDocsApp(rt: Runtime): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("fastify"),
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  const app = Fastify({ routerOptions: { maxParamLength: 512 } });
  const byName = new Map(rt.table.documents.map((d) => [d.name, d]));
  await app.register(swagger, { mode: "static", specification: { document: combinedDocument(rt) as any } });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: {
      urls: [
        { url: "/docs/json", name: "all 全部" },
        ...rt.table.documents.map((d) => ({
          url: `/docs/contracts/${d.name}.json`,
          name: `${d.name} — ${d.source.info?.title ?? d.name}`,
        })),
      ],
      "urls.primaryName": "all 全部",
      deepLinking: true,
    } as any,
  });
  app.get("/docs/contracts/:file", async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const doc = byName.get(file.replace(/\.json$/, ""));
    if (!doc) {
      reply.code(404);
      return {
        errcode: 40401,
        errmsg: `没有契约 ${file} / no contract ${file}`,
        data: null,
        _diagnostics: [
          {
            location: "/path",
            rule: "docs.contract",
            seen: file,
            message: `没有契约 ${file} / unknown contract ${file}`,
            hint: `已有的契约 / known: ${[...byName.keys()].map((n) => n + ".json").join(", ")}`,
          },
        ],
      };
    }
    return doc.bundled;
  });
  app.setNotFoundHandler(async (req, reply) => {
    reply.code(404);
    return {
      errcode: 40401,
      errmsg: `没有文档页 ${req.url} / no docs page ${req.url}`,
      data: null,
      _diagnostics: [
        {
          location: "/path",
          rule: "docs.page",
          seen: req.url,
          message: `没有文档页 ${req.url} / unknown docs page ${req.url}`,
          hint: "见 /docs / see /docs",
        },
      ],
    };
  });
  await app.ready();
  return app;
}

export function registerDocs(app: FastifyInstance, rt: Runtime): void {
  let docs: Promise<FastifyInstance> | undefined;
  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    let d: FastifyInstance;
    try {
      d = await (docs ??= buildDocsApp(rt));
    } catch (e) {
      docs = undefined; // try again on the next request
      rt.log.error({ err: e }, "the /docs app could not be built");
      reply.code(500);
      return {
        errcode: 50001,
        errmsg: "文档页无法生成 / the docs could not be built",
        data: null,
        _diagnostics: [
          {
            location: "/path",
            rule: "docs.build",
            message: String((e as Error).message),
            hint: "这是 gatesim 的缺陷，请附日志报告 / this is a gatesim bug; report it with the log",
          },
        ],
      };
    }
    reply.hijack();
    d.routing(req.raw, reply.raw);
  };
  for (const url of DOCS_ROUTES) app.get(url, forward);
  app.addHook("onClose", async () => {
    if (docs) await (await docs.catch(() => undefined))?.close();
  });
}
