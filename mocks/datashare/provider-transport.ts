// The ProviderCaller over HTTP: gatesim calls a department's hooked interface with undici, signed with
// the provider tenant's token by the gateway→backend formula (facts §1.5); no answer in time → 50401, none at all → 50201.
import type { Catalogue } from "./catalogue.js";
import type { GatewayTenantDirectory } from "./gateway-directory.js";
import { ProviderUnavailableError, type ProviderCaller } from "./provider.js";
import { OutboundError, signedPost, type OutboundPool } from "./signed-post.js";

/** Token used when no tenant acts for the provider (an admin hooked a seeded entry) [SIM]; documented, not secret. */
export const UNOWNED_PROVIDER_TOKEN = "gatesim-datashare-unowned-provider";

/**
 * Request: POST <url>, the consumer's §5.2 body as JSON; headers x-tif-timestamp/nonce/signature (UPPER hex, signed
 * with the provider tenant's paasToken on that tenant's clock), x-tif-paasid = the consumer, x-tif-serviceId, and
 * x-gatesim-trace-id. The provider answers {errcode:0, errmsg, data:{data:[rows]}} (checked by validateProviderAnswer).
 */
export function createProviderTransport(deps: {
  dispatcher: OutboundPool;
  directory: GatewayTenantDirectory;
  catalogue: Catalogue;
}): ProviderCaller {
  return async (call) => {
    const entry = await deps.catalogue.get(call.resourceCode);
    const owner = entry?.ownerPaasid
      ? deps.directory.view(entry.ownerPaasid)
      : entry
        ? deps.directory.byOrg(entry.providerCode)
        : undefined;
    try {
      const answer = await signedPost(deps.dispatcher, {
        url: call.url,
        body: call.body,
        paasToken: owner?.tenant.paasToken ?? UNOWNED_PROVIDER_TOKEN,
        now: owner?.clock.now() ?? deps.directory.clock.now(),
        timeoutMs: call.timeoutMs,
        headers: {
          "x-tif-paasid": call.consumerPaasid,
          "x-tif-serviceid": call.serviceId,
          ...(call.traceId ? { "x-gatesim-trace-id": call.traceId } : {}),
        },
      });
      return { status: answer.status, body: answer.body };
    } catch (e) {
      if (e instanceof OutboundError) throw new ProviderUnavailableError(e.kind, e.detail);
      throw e;
    }
  };
}
