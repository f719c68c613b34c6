// The gateway's own operations (contracts/gateway.yaml): probe/echo services and the identifier checker.
import type { Handler, HandlerInput, HandlerContext, PlatformModule } from "../shared/types.js";
import {
  checkDivisionCode,
  checkIdNumber,
  checkLicenceId,
  checkOrgCode,
  checkUscc,
  type Verdict,
} from "../shared/ids.js";
import { gatewayEnvelope } from "./errors.js";

const echo: Handler = (input: HandlerInput, ctx: HandlerContext) => ({
  status: 200,
  body: {
    errcode: 0,
    errmsg: "ok",
    data: {
      paasid: input.tenant.paasid,
      serviceId: input.serviceId,
      serverTime: ctx.clock.nowSeconds(),
      nonce: typeof input.headers["x-tif-nonce"] === "string" ? input.headers["x-tif-nonce"] : undefined,
      body: input.body,
    },
  },
});

const CHECKS: Record<string, (v: string) => Verdict> = {
  "gb11643-id": (v) => checkIdNumber(v),
  "gb32100-uscc": checkUscc,
  "gb11714-org": checkOrgCode,
  "gb2260-division": (v) => checkDivisionCode(v, { historical: true }),
  "gb36904-licence-id": checkLicenceId,
};

const checkIdentifier: Handler = (input) => {
  const { type, value } = input.params;
  const reason = CHECKS[type](value);
  return { status: 200, body: reason ? { type, value, valid: false, reason } : { type, value, valid: true } };
};

export const gatewayPlatform: PlatformModule = {
  name: "gateway",
  handlers: {
    gatewayInvokePing: echo,
    gatewayEbusPing: echo,
    gatewayEbusEcho: echo,
    gatewayCheckIdentifier: checkIdentifier,
  },
  envelope: gatewayEnvelope,
};
