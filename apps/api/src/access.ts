import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ConflictError, NotFoundError } from '@qi/decider'
import { type Actor, type ApiKeyResolver, Role } from '@qi/trpc'
import Database from 'better-sqlite3'

export interface Organisation {
  orgId: string
  name: string
  role: Role
}

export interface ApiKeyInfo {
  /** A public handle of the key (a prefix of its hash), for listing and revoking without the key. */
  keyId: string
  orgId: string
  userId: string
  createdAt: string
  revokedAt: string | null
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS organisations (
    org_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY, key_id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL REFERENCES organisations (org_id),
    user_id TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT
  );
`

/** Random part of a key: 32 bytes, 43 base64url characters. */
const KEY_RANDOM_BYTES = 32

/** Only this digest of a key is stored: a stolen access.db does not reveal usable keys. */
export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex')

/**
 * Organisations and their API keys, in SQLite (`<dataDir>/access.db`, in memory without a dataDir).
 * A key (`qi_<role>_<random>`) is shown once when issued and stored only as its SHA-256 hash;
 * `resolve` turns a presented key into the actor the tRPC context uses.
 */
/** At most this many resolved keys are kept in memory (all dropped when full). */
const RESOLVED_KEYS_CACHED = 10_000

export class AccessRegistry {
  /** Runs for every signed-in request whose key is not remembered yet, so it is prepared once. */
  private readonly resolveStatement: Database.Statement<
    [string],
    { user_id: string; org_id: string; name: string; role: string }
  >

  private constructor(private readonly db: Database.Database) {
    this.resolveStatement = db.prepare(
      `SELECT k.user_id, o.org_id, o.name, o.role FROM api_keys k JOIN organisations o ON o.org_id = k.org_id
       WHERE k.key_hash = ? AND k.revoked_at IS NULL`,
    )
  }

  static open(dataDir?: string): AccessRegistry {
    if (dataDir) mkdirSync(dataDir, { recursive: true })
    const db = new Database(dataDir ? join(dataDir, 'access.db') : ':memory:')
    db.pragma('foreign_keys = ON')
    db.exec(SCHEMA)
    return new AccessRegistry(db)
  }

  isEmpty(): boolean {
    return (this.db.prepare('SELECT count(*) AS n FROM organisations').get() as { n: number }).n === 0
  }

  createOrg(org: Organisation): Organisation {
    this.resolved.clear()
    const role = Role.parse(org.role)
    if (this.getOrg(org.orgId)) throw new ConflictError(`organisation '${org.orgId}' already exists`)
    this.db
      .prepare('INSERT INTO organisations (org_id, name, role, created_at) VALUES (?, ?, ?, ?)')
      .run(org.orgId, org.name, role, new Date().toISOString())
    return { orgId: org.orgId, name: org.name, role }
  }

  listOrgs(): Organisation[] {
    return (
      this.db.prepare('SELECT org_id, name, role FROM organisations ORDER BY role, org_id').all() as Array<{
        org_id: string
        name: string
        role: Role
      }>
    ).map((r) => ({ orgId: r.org_id, name: r.name, role: r.role }))
  }

  getOrg(orgId: string): Organisation | null {
    const row = this.db.prepare('SELECT org_id, name, role FROM organisations WHERE org_id = ?').get(orgId) as
      | { org_id: string; name: string; role: string }
      | undefined
    return row ? { orgId: row.org_id, name: row.name, role: Role.parse(row.role) } : null
  }

  /** Issues a key for a user of the organisation and returns it: the only time it is ever visible. */
  issueKey(orgId: string, userId: string): string {
    this.resolved.clear()
    const org = this.getOrg(orgId)
    if (!org) throw new NotFoundError('organisation', orgId)
    const key = `qi_${org.role}_${randomBytes(KEY_RANDOM_BYTES).toString('base64url')}`
    const keyHash = hashApiKey(key)
    this.db
      .prepare('INSERT INTO api_keys (key_hash, key_id, org_id, user_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(keyHash, keyHash.slice(0, 16), orgId, userId, new Date().toISOString())
    return key
  }

  /**
   * Keys that resolved, by hash (bounded). The registry's file is written only by the process that
   * holds the data folder's lock (the server, or `qi` while no server runs: data-lock.ts), so every
   * change a running server must see goes through this object, and each write clears the cache.
   * Unknown keys are not cached (guesses would fill it). Under load the SQL lookup (a shared lock
   * and a read of the file's header per statement, rollback journal) was ~3.5% of the server's CPU.
   */
  private readonly resolved = new Map<string, Actor>()

  /** The actor a key stands for; null when the key is unknown or revoked. */
  readonly resolve: ApiKeyResolver = (key: string): Actor | null => {
    const keyHash = hashApiKey(key)
    const cached = this.resolved.get(keyHash)
    if (cached) return cached
    const row = this.resolveStatement.get(keyHash)
    if (!row) return null
    const actor: Actor = Object.freeze({
      userId: row.user_id,
      org: row.org_id,
      orgName: row.name,
      role: Role.parse(row.role),
    })
    if (this.resolved.size >= RESOLVED_KEYS_CACHED) this.resolved.clear()
    this.resolved.set(keyHash, actor)
    return actor
  }

  /** Revokes the key (given in full); returns false when it was unknown or already revoked. */
  revokeKey(key: string): boolean {
    return this.revokeWhere('key_hash', hashApiKey(key))
  }

  /** Revokes a key by its public id, for an administrator who never saw the key itself. */
  revokeKeyById(keyId: string): boolean {
    return this.revokeWhere('key_id', keyId)
  }

  private revokeWhere(column: 'key_hash' | 'key_id', value: string): boolean {
    this.resolved.clear()
    const result = this.db
      .prepare(`UPDATE api_keys SET revoked_at = ? WHERE ${column} = ? AND revoked_at IS NULL`)
      .run(new Date().toISOString(), value)
    return result.changes > 0
  }

  listKeys(orgId: string): ApiKeyInfo[] {
    const rows = this.db
      .prepare(
        'SELECT key_id, org_id, user_id, created_at, revoked_at FROM api_keys WHERE org_id = ? ORDER BY created_at',
      )
      .all(orgId) as Array<{
      key_id: string
      org_id: string
      user_id: string
      created_at: string
      revoked_at: string | null
    }>
    return rows.map((row) => ({
      keyId: row.key_id,
      orgId: row.org_id,
      userId: row.user_id,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    }))
  }

  close() {
    this.db.close()
  }
}

export const BOOTSTRAP_ADMIN_ORG: Organisation = {
  orgId: 'admin',
  name: 'QI Ledger administration',
  role: 'admin',
}

/**
 * On a first start (no organisation yet) creates the `admin` organisation and a key for it, so
 * someone can sign in and issue the other keys. Returns that key, or null when orgs already exist.
 */
export function bootstrapAdminKey(registry: AccessRegistry): string | null {
  if (!registry.isEmpty()) return null
  registry.createOrg(BOOTSTRAP_ADMIN_ORG)
  return registry.issueKey(BOOTSTRAP_ADMIN_ORG.orgId, 'admin')
}
