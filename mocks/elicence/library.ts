// The shared licence library (省统一电子证照库): the seed's licences plus every tenant's issued ones, read across tenants.
import { PlatformSequences } from "../shared/sequences.js";
import type { Store } from "../shared/store.js";
import type { Clock } from "../shared/clock.js";
import type { HandlerContext, TenantDirectoryView, TenantView } from "../shared/types.js";
import {
  findLicence,
  listLicencesByHolder,
  LICENCE_KIND,
  type Licence,
  type LicenceEnv,
  type LicenceSource,
} from "./licences.js";

/** Where a licence lives: a tenant that issued (or changed) it, or the shared seed. */
export interface LibraryHit {
  licence: Licence;
  /** The owning tenant's paasid, store and clock; undefined for a licence that exists only in the seed. */
  owner?: Owner;
}

/** A tenant as the library sees it. */
export interface Owner {
  paasid: string;
  name: string;
  orgCode?: string;
  store: Store;
  clock: Clock;
}

/**
 * Licences are the province's, not one department's (plan: 一地发证、全网互信互认): a department sees licences every
 * tenant issued. Each tenant's copy lives in its own store (a reset removes what it issued); the seed underneath.
 */
export class LicenceLibrary {
  private directory?: TenantDirectoryView;

  /** License codes and serials unique across tenants (facts §4.5): one counter per key for the whole platform. */
  readonly sequences = new PlatformSequences();

  constructor(readonly seedLicences: LicenceSource) {}

  attach(directory: TenantDirectoryView): void {
    this.directory = directory;
  }

  /** The tenants to search: every tenant when the directory is attached, else only the caller's own store. */
  owners(ctx: Pick<HandlerContext, "store" | "clock">, paasid: string): Owner[] {
    const views: TenantView[] = this.directory?.list() ?? [];
    const list = views.map(ownerOf);
    if (!list.some((o) => o.store === ctx.store))
      list.unshift({ paasid, name: paasid, store: ctx.store, clock: ctx.clock });
    return list;
  }

  /** The environment of the domain functions for one tenant: its store over the seed's licences. */
  envOf(store: Store): LicenceEnv {
    return { store, seedLicences: this.seedLicences, sequences: this.sequences };
  }

  /** One tenant by paasid (needs the directory). */
  tenant(paasid: string): Owner | undefined {
    const v = this.directory?.get(paasid);
    return v ? ownerOf(v) : undefined;
  }

  /** A licence by identifier: the newest tenant copy (by updatedAt), else the seed's. */
  async find(
    ctx: Pick<HandlerContext, "store" | "clock">,
    paasid: string,
    id: string,
  ): Promise<LibraryHit | undefined> {
    let best: LibraryHit | undefined;
    for (const o of this.owners(ctx, paasid)) {
      const l = await o.store.get<Licence>(LICENCE_KIND, id);
      if (l && (!best || l.updatedAt > best.licence.updatedAt)) best = { licence: l, owner: o };
    }
    if (best) return best;
    const s = this.seedLicences.byId(id);
    return s ? { licence: s } : undefined;
  }

  /** A licence by the platform's license_code in another tenant's store than the caller's (whose it is, for refusals). */
  async findByCodeElsewhere(
    ctx: Pick<HandlerContext, "store" | "clock">,
    paasid: string,
    code: string,
  ): Promise<LibraryHit | undefined> {
    for (const o of this.owners(ctx, paasid)) {
      if (o.store === ctx.store) continue;
      const l = await findLicence(this.envOf(o.store), code);
      if (l) return { licence: l, owner: o };
    }
    return undefined;
  }

  /** A holder's current, issued licences across tenants and the seed (one per identifier, newest copy wins). */
  async byHolder(
    ctx: Pick<HandlerContext, "store" | "clock">,
    paasid: string,
    holderTypeCode: string,
    holderCode: string,
    typeCode?: string,
  ): Promise<LibraryHit[]> {
    const byId = new Map<string, LibraryHit>();
    for (const l of this.seedLicences.byHolder(holderTypeCode, holderCode))
      if (!typeCode || l.typeCode === typeCode) byId.set(l.id, { licence: l });
    for (const o of this.owners(ctx, paasid)) {
      const own = await listLicencesByHolder({ store: o.store }, holderTypeCode, holderCode, {
        typeCode,
        includeSuperseded: true,
      });
      for (const l of own) {
        const cur = byId.get(l.id);
        if (!cur || l.updatedAt >= cur.licence.updatedAt) byId.set(l.id, { licence: l, owner: o });
      }
    }
    // A licence superseded by a change is no longer current (its successor is listed instead).
    return [...byId.values()].filter((h) => !h.licence.nextId);
  }
}

function ownerOf(v: TenantView): Owner {
  return { paasid: v.tenant.paasid, name: v.tenant.name, orgCode: v.tenant.orgCode, store: v.store, clock: v.clock };
}
