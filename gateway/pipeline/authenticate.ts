// Step: authenticate the caller the way the operation's contract says (security alternatives: tif | bearer | admin).
//  tif (facts §1.2–1.4, §8.1), in this order:
//  - each of x-tif-timestamp / x-tif-nonce / x-tif-signature present exactly once → else 40001
//  - caller IP in the app's allow-list, when it has one → else 40302
//  - timestamp: decimal Unix seconds within ±180 s of the tenant's clock (moved or not) → else 40002
//  - signature = hex(SHA-256(ts + paasToken + nonce + ts)); case-insensitive, or UPPER on GatewayMsg routes for
//    apps in strict mode → else 40004 (with a guess at the usual mistakes; the expected value is never revealed)
//  - nonce unseen for this paasid within 600 s → else 40003 (recorded only after the signature is right)
//  - GatewayMsg serviceId granted to the app → else 40301
//  admin: the admin token, or the tenant's own control token for /_gatesim/tenants/{paasid}/… → else 40103 / 40303
//  bearer: an access token, verified by the platform that offers the "bearer" scheme (identity, offline) → else 40102
import { createHash } from "node:crypto";
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { safeEqual, tifSign } from "../../mocks/gateway/tif-signature.js";
import { refuse, ProblemError } from "../../mocks/shared/problem.js";
import type { Store } from "../../mocks/shared/store.js";
import type { Diagnostic } from "../../mocks/shared/types.js";
import { header, singleHeader, type Exchange } from "./exchange.js";
import { ipAllowed } from "../ip-allow.js";
import { NONCE_KIND } from "../tenants.js";

const TIF_HINT =
  "x-tif-signature = hex(SHA-256(x-tif-timestamp + paasToken + x-tif-nonce + x-tif-timestamp))，无分隔符，时间戳出现两次 / no separators, the timestamp appears twice (facts §1.3)";

/** Which common mistake produced this signature, if any (never reveals the right value). */
function diagnoseSignature(sig: string, ts: string, token: string, nonce: string): string | undefined {
  const h = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
  const s = sig.toLowerCase();
  const tries: [string, string][] = [
    [h(ts + nonce + token + ts), "顺序错误：把 nonce 放在了 token 前面 / wrong order: nonce before token"],
    [h(ts + token + nonce), "末尾少了时间戳 / the trailing timestamp is missing"],
    [h(token + ts + nonce + ts), "顺序错误：token 在最前 / wrong order: token first"],
    [
      h(String(Number(ts) * 1000) + token + nonce + String(Number(ts) * 1000)),
      "签名用了毫秒，请求头用了秒 / signed with milliseconds while the header has seconds",
    ],
    [
      createHash("md5")
        .update(ts + token + nonce + ts)
        .digest("hex"),
      "用了 MD5，应为 SHA-256 / MD5 used; the gateway wants SHA-256",
    ],
    [
      createHash("sha1")
        .update(ts + token + nonce + ts)
        .digest("hex"),
      "用了 SHA-1，应为 SHA-256 / SHA-1 used; the gateway wants SHA-256",
    ],
  ];
  return tries.find(([v]) => v === s)?.[1];
}

/** x-tif-timestamp: decimal Unix seconds, within ±window of the tenant's clock (facts §1.2, §8.1). */
function checkTimestamp(t: NonNullable<Exchange["tenant"]>, ts: string, windowSec: number): void {
  const now = t.clock.nowSeconds();
  if (!/^\d{1,13}$/.test(ts)) {
    refuse(GATEWAY_ERRORS.timestampInvalid, [
      {
        location: "/headers/x-tif-timestamp",
        rule: "x-tif.timestamp-format",
        seen: ts,
        message: "时间戳应为十进制 Unix 秒 / the timestamp must be decimal Unix seconds",
        hint: `如 ${now}（Math.floor(Date.now()/1000)）/ e.g. ${now}`,
      },
    ]);
  }
  if (ts.length === 13)
    refuse(GATEWAY_ERRORS.timestampInvalid, [
      {
        location: "/headers/x-tif-timestamp",
        rule: "x-tif.timestamp-seconds",
        seen: ts,
        message: "时间戳是毫秒，应为秒 / the timestamp is in milliseconds; the gateway wants seconds",
        hint: `除以 1000 取整，如 ${now} / divide by 1000, e.g. ${now}`,
      },
    ]);
  // The window is read from the tenant's clock only, moved or not. (Accepting real time as well once a test had moved
  // the clock let a captured call be replayed after an advance past the nonce window: its nonce had expired on the
  // tenant's clock while its timestamp was still fresh in real time.)
  const skew = Number(ts) - now;
  if (Math.abs(skew) > windowSec) {
    const c = t.clock.state();
    const moved = c.frozen
      ? `冻结于 ${new Date(c.now).toISOString()} / frozen at ${new Date(c.now).toISOString()}`
      : c.offsetMs
        ? `偏移 ${Math.round(c.offsetMs / 1000)} 秒 / offset ${Math.round(c.offsetMs / 1000)} s`
        : undefined;
    refuse(GATEWAY_ERRORS.timestampInvalid, [
      {
        location: "/headers/x-tif-timestamp",
        rule: "x-tif.timestamp-window",
        seen: ts,
        message: `时间戳与网关时间相差 ${skew} 秒，超出 ±${windowSec} 秒 / the timestamp is ${skew} s off the gateway's clock, outside ±${windowSec} s`,
        hint: moved
          ? `租户 ${t.tenant.paasid} 的时钟已调整（${moved}）：按租户时间 ${now} 签名（GET /_gatesim/tenants/${t.tenant.paasid}/clock 的 now），或复位时钟 / ${t.tenant.paasid}'s clock was moved: sign with the tenant's time ${now} (the now of GET /_gatesim/tenants/${t.tenant.paasid}/clock), or reset the clock`
          : `校准客户端时钟（网关时间 ${now}），每次请求重新生成时间戳 / sync the client clock (gateway time ${now}) and take a fresh timestamp per call`,
      },
    ]);
  }
}

function authenticateTif(x: Exchange): void | Promise<void> {
  const t = x.tenant!;
  const tenant = t.tenant;
  const ts = singleHeader(x, "x-tif-timestamp");
  const nonce = singleHeader(x, "x-tif-nonce");
  const sig = singleHeader(x, "x-tif-signature");
  const cfg = x.rt.config.gateway;

  if (tenant.ipAllowList?.length && !ipAllowed(x.ip, tenant.ipAllowList))
    refuse(GATEWAY_ERRORS.ipNotAllowed, [
      {
        location: "/ip",
        rule: "gateway.ip-allow-list",
        seen: x.ip,
        message: `调用方 IP ${x.ip} 不在应用 ${tenant.paasid} 的白名单内 / caller IP ${x.ip} is not in ${tenant.paasid}'s allow-list`,
        hint: "从白名单内的地址调用，或由管理员更新白名单 / call from an allowed address, or have the admin update the allow-list",
      },
    ]);

  checkTimestamp(t, ts, cfg.timestampWindowSec);

  const want = tifSign(ts, tenant.paasToken, nonce);
  const strictUpper = tenant.signatureCase === "upper" && x.route.byService.size > 0;
  const ok = strictUpper ? safeEqual(want.toUpperCase(), sig) : safeEqual(want, sig.toLowerCase());
  if (!ok) {
    const d: Diagnostic = {
      location: "/headers/x-tif-signature",
      rule: "x-tif.signature",
      seen: sig,
      message: "签名与网关计算结果不符 / the signature does not match the gateway's computation",
      hint: TIF_HINT,
    };
    if (!/^[0-9a-fA-F]{64}$/.test(sig))
      d.hint = `签名应为 64 位十六进制（SHA-256）/ a signature is 64 hex characters (SHA-256). ${TIF_HINT}`;
    else if (strictUpper && safeEqual(want, sig.toLowerCase())) {
      d.rule = "x-tif.signature-case";
      d.message = "数据中台要求大写十六进制签名 / GatewayMsg calls of this app require upper-case hex";
      d.hint = "对签名调用 toUpperCase() / upper-case the hex signature (facts §1.3, §8.1)";
    } else {
      const guess = diagnoseSignature(sig, ts, tenant.paasToken, nonce);
      if (guess) d.hint = `${guess}. ${TIF_HINT}`;
      else
        d.hint = `${TIF_HINT}；签名串形如 / the signed string looks like "${ts}<paasToken>${nonce}${ts}"；检查 paasToken 是否为该 paasid 的 / check you use ${tenant.paasid}'s paasToken`;
    }
    refuse(GATEWAY_ERRORS.signatureMismatch, [d]);
  }

  // Claimed through the tenant's store (atomic on every backend); memory answers synchronously, so the signed hot
  // path awaits nothing.
  const store: Store = t.store; // as platform code sees it: any backend
  const claimed = store.claim(NONCE_KIND, nonce, cfg.nonceTtlSec * 1000);
  if (claimed === true) return grantTif(x);
  if (claimed === false) return refuseNonce(nonce, cfg.nonceTtlSec);
  // A shared store answers a round trip later. The request goes on meanwhile, so that the platform's first reads travel
  // with the claim (one round trip, not two); nothing with an effect runs before it is settled (x.pendingClaim), and a
  // refused claim replaces whatever the request would have got with 40003, as when it is awaited here.
  const settled = claimed.then((ok) => {
    if (!ok) refuseNonce(nonce, cfg.nonceTtlSec);
  });
  settled.catch(() => undefined); // the pipeline awaits it (app.ts)
  try {
    grantTif(x);
  } catch (e) {
    return settled.then(() => Promise.reject(e)); // a replay is refused 40003 first, as before
  }
  x.pendingClaim = settled;
}

function refuseNonce(nonce: string, nonceTtlSec: number): never {
  refuse(GATEWAY_ERRORS.nonceReused, [
    {
      location: "/headers/x-tif-nonce",
      rule: "x-tif.nonce-unique",
      seen: nonce,
      message: `nonce 在 ${nonceTtlSec} 秒内已用过 / this nonce was used within the last ${nonceTtlSec} s`,
      hint: "每次请求生成新的随机 nonce（重试也要重新签名）/ generate a fresh nonce for every call, retries included, and sign again",
    },
  ]);
}

/** After the nonce is claimed: the service grant, then the principal. */
function grantTif(x: Exchange): void {
  const tenant = x.tenant!.tenant;
  if (x.serviceId && !tenant.serviceIds.includes("*") && !tenant.serviceIds.includes(x.serviceId))
    refuse(GATEWAY_ERRORS.serviceNotGranted, [
      {
        location: "/headers/x-tif-serviceId",
        rule: "gateway.service-granted",
        seen: x.serviceId,
        message: `应用 ${tenant.paasid} 未获授权调用 ${x.serviceId} / app ${tenant.paasid} is not granted ${x.serviceId}`,
        hint: "向服务提供方申请授权，或由管理员为该应用添加 serviceId / apply for access, or have the admin add the serviceId to the app",
      },
    ]);

  x.principal = { kind: "app", paasid: tenant.paasid };
}

function bearerToken(x: Exchange): string | undefined {
  const auth = header(x, "authorization");
  const m = auth && /^Bearer\s+(\S+)$/i.exec(auth);
  return m ? m[1] : undefined;
}

async function authenticateBearer(x: Exchange, token: string): Promise<void> {
  const verifier = x.rt.securitySchemes.get("bearer");
  if (!verifier)
    refuse(GATEWAY_ERRORS.tokenInvalid, [
      {
        location: "/headers/authorization",
        rule: "bearer.verifier",
        message:
          "没有平台提供 bearer 令牌校验（统一身份认证未启用），无法校验令牌 / no platform offers the bearer scheme (identity is not loaded), so tokens cannot be verified",
        hint: "启用 identity 平台 / enable the identity platform",
      },
    ]);
  const res = await verifier.verify(token, { clock: x.tenant!.clock, expectedTenant: x.tenant?.tenant.paasid });
  if (!res.ok)
    throw new ProblemError({
      ...GATEWAY_ERRORS.tokenInvalid,
      diagnostics: res.problem.diagnostics?.length
        ? res.problem.diagnostics
        : [
            {
              location: "/headers/authorization",
              rule: String(res.problem.code),
              message: `${res.problem.zh} / ${res.problem.en}`,
              hint: "重新登录或刷新令牌 / log in again or refresh the token",
            },
          ],
    });
  x.principal = res.principal;
}

function authenticateAdmin(x: Exchange): void {
  const token = bearerToken(x);
  if (token && safeEqual(token, x.rt.adminToken)) {
    x.principal = { kind: "admin" };
    return;
  }
  const own = token ? x.rt.tenants.byControlToken(token) : undefined;
  if (!own)
    refuse(GATEWAY_ERRORS.adminTokenInvalid, [
      {
        location: "/headers/authorization",
        rule: "admin.token",
        seen: token ? "[REDACTED]" : undefined,
        message: token
          ? "管理令牌不正确 / the control-plane token is not valid"
          : "缺少管理令牌 / the control-plane token is missing",
        hint: "发送 Authorization: Bearer <令牌>；管理员令牌在启动日志中，租户控制令牌在创建租户时返回 / send Authorization: Bearer <token>; the admin token is printed at start, a tenant's control token is returned when it is created",
      },
    ]);
  if (!x.tenant || x.tenant !== own)
    refuse(GATEWAY_ERRORS.adminForbidden, [
      {
        location: "/headers/authorization",
        rule: "admin.tenant-scope",
        message: `该令牌只能操作租户 ${own.tenant.paasid} / this token may act only on tenant ${own.tenant.paasid}`,
        hint: "使用管理员令牌，或该租户自己的控制令牌 / use the admin token, or that tenant's own control token",
      },
    ]);
  x.principal = { kind: "app", paasid: own.tenant.paasid };
}

/** Synchronous unless a bearer token must be verified (the pipeline awaits only steps that return a promise). */
export function authenticate(x: Exchange): void | Promise<void> {
  const sec = x.op!.security;
  if (sec.includes("none")) return;
  if (sec.includes("admin")) return authenticateAdmin(x);
  const hasTif = header(x, "x-tif-paasid") !== undefined;
  const token = sec.includes("bearer") ? bearerToken(x) : undefined;
  if (sec.includes("tif") && (hasTif || !sec.includes("bearer"))) {
    const p = authenticateTif(x);
    if (p) return token ? p.then(() => authenticateBearer(x, token)) : p;
    if (token) return authenticateBearer(x, token);
    return;
  }
  return authenticateBearerOnly(x, sec, token);
}

async function authenticateBearerOnly(x: Exchange, sec: readonly string[], token: string | undefined): Promise<void> {
  if (sec.includes("bearer")) {
    if (!token)
      refuse(GATEWAY_ERRORS.tokenInvalid, [
        {
          location: "/headers/authorization",
          rule: "bearer.required",
          message: `缺少访问令牌 / an access token is required${sec.includes("tif") ? "（或 x-tif 签名 / or x-tif signature headers）" : ""}`,
          hint: "先经统一身份认证登录获取 access_token，再发送 Authorization: Bearer <access_token> / log in through the identity platform and send Authorization: Bearer <access_token>",
        },
      ]);
    await authenticateBearer(x, token);
  }
}
