import { hash } from "node:crypto";
import type { DomainRecord, HostRecord, Op, PackageCheck, PackageRecord, Registry, TypeRecord } from "./model.js";
import { completeSteps, SliceCounter, type Steps } from "./steps.js";

export const DIGEST_BYTES = 32;

/**
 * An order-independent hash over every entity of a registry: the XOR of the
 * SHA-256 of each entity's canonical encoding. Two registries with the same
 * entities have the same digest however they got there, and a change costs
 * the hashes of the entities it touches, never a pass over the whole state.
 */
export class StateDigest {
  private readonly value: Buffer;

  private constructor(value: Buffer) {
    this.value = value;
  }

  static empty(): StateDigest {
    return new StateDigest(Buffer.alloc(DIGEST_BYTES));
  }

  static of(registry: Readonly<Registry>): StateDigest {
    const digest = StateDigest.empty();
    for (const domain of registry.domains.values()) digest.addDomain(domain);
    for (const host of registry.hosts.values()) digest.addHost(host);
    for (const type of registry.types.values()) digest.addType(type);
    return digest;
  }

  // An entity new to the state: its hash goes in, with no old value to take out
  // (how a snapshot is hashed as it arrives, without `update`'s bookkeeping).

  addDomain(domain: DomainRecord): void {
    this.toggle(domainHash(domain));
  }

  addHost(host: HostRecord): void {
    this.toggle(hostHash(host));
  }

  addType(type: TypeRecord): void {
    this.toggle(typeHash(type));
  }

  /** The digest after `ops`, given the registry as it was before them (not modified). */
  update(before: Readonly<Registry>, ops: readonly Op[]): void {
    completeSteps(this.updating(before, ops));
  }

  /**
   * `update` a slice of ops per step (a SHA-256 each: 100,000 hosts are
   * half a second). Between steps the digest holds part of the change:
   * update a copy, and keep it once done.
   */
  *updating(before: Readonly<Registry>, ops: readonly Op[]): Steps<void> {
    const slices = new SliceCounter();
    // Ops may touch one entity twice; track the entity's latest value locally.
    const hosts = new Map<string, HostRecord | undefined>();
    const domains = new Map<string, DomainRecord | undefined>();
    const types = new Map<string, TypeRecord | undefined>();
    const current = <V>(local: Map<string, V | undefined>, base: ReadonlyMap<string, V>, key: string) =>
      local.has(key) ? local.get(key) : base.get(key);
    for (const op of ops) {
      switch (op.kind) {
        case "put-domain":
        case "delete-domain": {
          const key = op.kind === "put-domain" ? op.domain.path : op.path;
          const old = current(domains, before.domains, key);
          if (old) this.toggle(domainHash(old));
          const next = op.kind === "put-domain" ? op.domain : undefined;
          if (next) this.toggle(domainHash(next));
          domains.set(key, next);
          break;
        }
        case "put-host":
        case "delete-host": {
          const key = op.kind === "put-host" ? op.host.id : op.id;
          const old = current(hosts, before.hosts, key);
          if (old) this.toggle(hostHash(old));
          const next = op.kind === "put-host" ? op.host : undefined;
          if (next) this.toggle(hostHash(next));
          hosts.set(key, next);
          break;
        }
        case "put-type":
        case "delete-type": {
          const key = op.kind === "put-type" ? op.type.name : op.name;
          const old = current(types, before.types, key);
          if (old) this.toggle(typeHash(old));
          const next = op.kind === "put-type" ? op.type : undefined;
          if (next) this.toggle(typeHash(next));
          types.set(key, next);
          break;
        }
      }
      if (slices.due()) yield;
    }
  }

  copy(): StateDigest {
    return new StateDigest(Buffer.from(this.value));
  }

  bytes(): Buffer {
    return Buffer.from(this.value);
  }

  hex(): string {
    return this.value.toString("hex");
  }

  equals(other: Uint8Array): boolean {
    return this.value.equals(other);
  }

  private toggle(hash: Buffer): void {
    for (let i = 0; i < DIGEST_BYTES; i++) this.value[i]! ^= hash[i]!;
  }
}

// The encodings are positional arrays: field order is fixed here, not by
// however a record's object happened to be built. Fields added after the
// first release (a type's minHealthy, a package's check) are appended only
// when set, so every registry without them keeps the digest it always had
// (replicas and stores written before them still verify).

function sha256(text: string): Buffer {
  return hash("sha256", text, "buffer");
}

function domainHash(domain: DomainRecord): Buffer {
  return sha256(JSON.stringify(["domain", domain.path]));
}

function typeHash(type: TypeRecord): Buffer {
  const fields: unknown[] = ["type", type.name, type.policy];
  if (type.minHealthy !== undefined) fields.push(type.minHealthy);
  return sha256(JSON.stringify(fields));
}

function packageFields(p: PackageRecord): unknown[] {
  const fields: unknown[] = [p.type, p.port, p.priority, p.state, p.health, p.role ?? ""];
  if (p.check !== undefined) fields.push(checkFields(p.check));
  return fields;
}

/** Absent optional fields as null, which no set value encodes to (an empty path or service is ""). */
function checkFields(c: PackageCheck): unknown[] {
  return [c.kind, c.intervalMs, c.timeoutMs, c.rise, c.fall, c.path ?? null, c.service ?? null, c.command ?? null];
}

function hostHash(host: HostRecord): Buffer {
  const labels = Object.keys(host.labels)
    .sort()
    .map((k) => [k, host.labels[k]]);
  const packages = host.packages.map(packageFields);
  return sha256(
    JSON.stringify(["host", host.id, host.domain, host.address, labels, host.maintenance, host.status, packages]),
  );
}
