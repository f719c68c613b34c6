// The identity state that lives beside the tenant stores — registered clients, revoked tokens and ended sessions,
// personas added through the admin API — kept in the sandbox store, so a restart on a durable backend keeps
// a department's own OIDC client, a revoked token stays revoked, and an added persona can still log in. Sessions,
// codes and refresh tokens are in each tenant's store already (handlers/authorize.ts, token-families.ts).
import type { Store, StoreChange } from "../shared/store.js";
import type { IdentityCore } from "./identity-core.js";
import type { AddPersonaInput, IdentityClient } from "./types.js";
import type { RevocationKind } from "./revocation-list.js";

const CLIENTS = "identity.clients";
const REVOKED = "identity.revoked";
const PERSONAS = "identity.persona";
/** A revocation is kept this long past the token's own expiry (tenants' clocks may run behind the real one). */
const REVOCATION_MARGIN_MS = 30 * 86_400_000;

interface StoredClients {
  paasid: string;
  clients: IdentityClient[];
}
interface StoredRevocation {
  paasid: string;
  kind: RevocationKind;
  id: string;
  untilMs: number;
}

const revocationKey = (r: Pick<StoredRevocation, "paasid" | "kind" | "id">) =>
  `${r.paasid}\u0000${r.kind}\u0000${r.id}`;

/**
 * Read back what `store` kept, then write every later change through. A failed write is dropped: it costs that one
 * change after a restart, never the running simulator.
 */
export async function attachIdentityStore(core: IdentityCore, store: Store): Promise<void> {
  const keep = (p: Promise<unknown>) => void p.catch(() => {});

  for (const { paasid, clients } of await store.list<StoredClients>(CLIENTS))
    core.clients.restoreTenant(paasid, clients);
  core.clients.onChange = (paasid, clients) => keep(store.put<StoredClients>(CLIENTS, paasid, { paasid, clients }));

  const now = Date.now();
  for (const r of await store.list<StoredRevocation>(REVOKED))
    core.revocations.restore(r.paasid, r.kind, r.id, r.untilMs, now);
  core.revocations.onRevoke = (paasid, kind, id, untilMs) =>
    keep(
      store.put<StoredRevocation>(
        REVOKED,
        revocationKey({ paasid, kind, id }),
        { paasid, kind, id, untilMs },
        { index: { paasid }, ttlMs: Math.max(untilMs - Date.now(), 0) + REVOCATION_MARGIN_MS },
      ),
    );
  core.revocations.onClear = (paasid) =>
    keep(
      store
        .list<StoredRevocation>(REVOKED, { index: "paasid", value: paasid })
        .then((rs) => Promise.all(rs.map((r) => store.delete(REVOKED, revocationKey(r))))),
    );

  for (const { input } of await store.list<{ input: AddPersonaInput }>(PERSONAS)) {
    try {
      core.personas.add(input);
    } catch {
      // the seed now has a persona of that id: the seed's wins
    }
  }
  core.personas.onAdd = (input, persona) => keep(store.put(PERSONAS, persona.id, { input }));
}

/** Another process on the shared store changed identity state: this process's memory follows (nothing written back). */
export async function followIdentityStore(core: IdentityCore, store: Store, change: StoreChange): Promise<void> {
  if (change.kind === CLIENTS && change.op === "put") {
    const stored = await store.get<StoredClients>(CLIENTS, change.id);
    if (stored) core.clients.restoreTenant(stored.paasid, stored.clients);
  } else if (change.kind === REVOKED) {
    const [paasid, kind, id] = change.id.split("\u0000") as [string, RevocationKind, string];
    if (change.op === "delete") core.revocations.forget(paasid, kind, id);
    else {
      const r = await store.get<StoredRevocation>(REVOKED, change.id);
      if (r) core.revocations.restore(r.paasid, r.kind, r.id, r.untilMs, Date.now());
    }
  } else if (change.kind === PERSONAS && change.op === "put" && !core.personas.get(change.id)) {
    const stored = await store.get<{ input: AddPersonaInput }>(PERSONAS, change.id);
    const onAdd = core.personas.onAdd;
    core.personas.onAdd = undefined; // already stored
    try {
      if (stored) core.personas.add(stored.input);
    } catch {
      // added here meanwhile
    } finally {
      core.personas.onAdd = onAdd;
    }
  }
}
