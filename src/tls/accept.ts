import type {Engine} from '../lifecycle/context.js'
import {type CertificateFacts, type CertificatePair, checkCertificatePair} from './certificate.js'
import {writeCertificate} from './certificate-store.js'

/**
 * Checks the customer's pair against the app's hosts as the proxy routes them now (at install there is
 * no route yet: the proxy checks them again at the switch, src/proxy/certificates.ts), then keeps it.
 * A bad pair throws before anything is written, so the pair in use keeps serving.
 */
export async function acceptCertificate(engine: Engine, app: string, pair: CertificatePair): Promise<CertificateFacts> {
  const routes = await engine.proxy.routes().catch(() => [])
  const hosts = routes.find((route) => route.service === app)?.hosts ?? []
  const facts = checkCertificatePair(pair, hosts)
  writeCertificate(engine.settings.home, app, pair)
  return facts
}
