import {type CertificateFacts, type CertificatePair, checkCertificatePair} from './certificate.js'
import {writeCertificate} from './certificate-store.js'

/** What accepting a pair needs of the Engine: the proxy's routes and DISCODE_HOME (tls imports no engine folder). */
export interface CertificateHost {
  proxy: {routes(): Promise<{service: string; hosts: string[]}[]>}
  settings: {home: string}
}

/**
 * Checks the customer's pair against the app's hosts as the proxy routes them now (at install there is
 * no route yet: the proxy checks them again at the switch, src/proxy/certificates.ts), then keeps it.
 * A bad pair throws before anything is written, so the pair in use keeps serving.
 */
export async function acceptCertificate(engine: CertificateHost, app: string, pair: CertificatePair): Promise<CertificateFacts> {
  const routes = await engine.proxy.routes().catch(() => [])
  const hosts = routes.find((route) => route.service === app)?.hosts ?? []
  const facts = checkCertificatePair(pair, hosts)
  writeCertificate(engine.settings.home, app, pair)
  return facts
}
