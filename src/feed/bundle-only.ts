/**
 * An app installed from an air-gapped bundle updates from bundles: its server may reach no feed, so
 * a plain `update`, `update --check`, `status` and `auto-update run` do not try the recipe's feed URL
 * (a network timeout at best) but say at once how it updates. The record remembers it (`feedTrust.bundle`);
 * a customer whose server later reaches the vendor's feed opts back in with `update APP --online`.
 * Pure, so every case is unit-tested.
 */
import {DiscodeError} from '../errors.js'

export interface BundleOnlyInput {
  app: string
  /** This read is a verified bundle's feed (install or update --bundle). */
  offline?: boolean
  /** --online: read the vendor's feed although the app came from bundles, and from then on. */
  online?: boolean
  /** The record's memory: the app came from bundles. */
  bundle?: boolean
}

/** Whether the record keeps `bundle` after this read; throws when the feed URL must not be read. */
export function updatesFromBundles(input: BundleOnlyInput): boolean {
  if (input.offline) return true
  if (!input.bundle || input.online) return false
  throw new DiscodeError(`${input.app} was installed from a bundle: it updates from bundles, not from the vendor's feed`, {
    code: 'APP_FROM_BUNDLE',
    hint: `Update it with "discode update ${input.app} --bundle FILE"; once this server reaches the vendor's feed, "discode update ${input.app} --online" reads it from then on`,
  })
}

/** Why `auto-update run` leaves an app from bundles alone (its report's reason). */
export function bundleOnlyReason(app: string): string {
  return `installed from a bundle: not read from the vendor's feed (update with "discode update ${app} --bundle FILE", or opt back in with --online)`
}
