// Step: pick the operation. GatewayMsg routes dispatch by x-tif-serviceId (facts §1.1); the platforms may own
// serviceIds created at run time (resolveService).
//  - missing x-tif-serviceId on a GatewayMsg route → 40001
//  - a serviceId nobody answers → 40402, naming the closest known ones
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import { singleHeader, type Exchange } from "./exchange.js";
import { closest } from "../near-miss.js";

export function resolveOperation(x: Exchange): void {
  const r = x.route;
  if (r.single) {
    x.op = r.single;
  } else {
    const sid = singleHeader(
      x,
      "x-tif-serviceid",
      "x-tif-serviceId",
      "在请求头中放一个 x-tif-serviceId，值为要调用的服务编号，如 C0000000000001 / send exactly one x-tif-serviceId header naming the service, e.g. C0000000000001",
    );
    x.serviceId = sid;
    x.op = r.byService.get(sid) ?? dynamic(x, sid);
    if (!x.op) {
      const known = [...r.byService.keys()];
      refuse(GATEWAY_ERRORS.unknownService, [
        {
          location: "/headers/x-tif-serviceId",
          rule: "gateway.service-registered",
          seen: sid,
          message: `没有平台提供服务 ${sid} / no platform provides service ${sid}`,
          hint: `检查 serviceId；最接近的已知服务 / check the serviceId; closest known: ${closest(sid, known, 3).join(", ") || "(none)"}`,
        },
      ]);
    }
  }
  x.platform = x.rt.platforms.get(x.op.platform);
}

function dynamic(x: Exchange, sid: string) {
  for (const p of x.rt.platforms.values()) {
    const opId = p.resolveService?.(sid);
    if (opId) return x.rt.table.byId.get(opId);
  }
  return undefined;
}
