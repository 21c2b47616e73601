/** Which key a bundle is verified with, and whether it is older than what was accepted: pure decisions. */
import {isEd25519PublicKey} from '../keys/public-key.js'
import {BundleError} from './errors.js'
import {keyFingerprint} from './manifest.js'

export interface KeyChoiceInput {
  /** --key: the vendor's public key as the customer got it (one base64 line). */
  given?: string
  /** An installed app's key: its recipe's feedKey (or the one its record was installed with). */
  installed?: string
  /** The key the bundle names itself (its manifest's feedKey): trusted only once confirmed. */
  bundleKey: string
  /** --yes: the bundle's own key is accepted, its fingerprint shown. */
  accept: boolean
}

export type KeyChoice = {key: string; firstUse?: string} | {confirm: string}

/**
 * An installed app: its own key (a different --key is refused: the recipe decides). A first install:
 * --key, else the bundle's own key once the customer confirmed its fingerprint (--yes, or a prompt).
 */
export function chooseKey(input: KeyChoiceInput): KeyChoice {
  if (input.given !== undefined && !isEd25519PublicKey(input.given)) {
    throw new BundleError("--key is not an ed25519 public key (one base64 line, as in the vendor's feed.pub)", {
      code: 'BUNDLE_KEY_INVALID',
      hint: 'Give the feedKey line the vendor published, e.g. --key "$(cat feed.pub)"',
    })
  }
  if (input.installed) {
    if (input.given && input.given !== input.installed) {
      throw new BundleError(`--key (${keyFingerprint(input.given)}) is not the app's feed key (${keyFingerprint(input.installed)})`, {
        code: 'BUNDLE_KEY_MISMATCH',
        hint: "An installed app's bundles are verified with its recipe's feedKey; leave --key out",
      })
    }
    return {key: input.installed}
  }
  if (input.given) return {key: input.given}
  const fingerprint = keyFingerprint(input.bundleKey)
  if (input.accept) return {key: input.bundleKey, firstUse: fingerprint}
  return {confirm: fingerprint}
}

/** The refusal when a first install's key was neither given nor confirmed. */
export function unconfirmedKey(fingerprint: string): BundleError {
  return new BundleError(`the bundle is signed with the key ${fingerprint}, which nothing here trusts yet`, {
    code: 'BUNDLE_KEY_UNCONFIRMED',
    hint: "Compare it with the fingerprint the vendor published, then pass --yes; or give the vendor's key with --key. Nothing was loaded",
  })
}

/** A bundle older than the newest feed accepted is a replay, unless --to asks for an older version on purpose. */
export function isOlderBundle(published: string, newestAccepted: string | undefined): boolean {
  return newestAccepted !== undefined && Date.parse(published) < Date.parse(newestAccepted)
}
