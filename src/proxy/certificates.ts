/**
 * The customer's own certificate, handed to kamal-proxy as files inside its container: a tar archive
 * put (Docker's archive API, no process argument, no image, no label) into a directory on the proxy's
 * state volume, one directory per certificate, so that a rotation writes the new pair beside the one
 * in use and the deploy switches to it. kamal-proxy reads the pair when a route is deployed.
 */
import type {DockerClient} from '../docker/docker.js'
import {checkCertificatePair, type CertificatePair} from '../tls/certificate.js'
import {readCertificate} from '../tls/certificate-store.js'
import {type DeployArgs, PROXY_STATE_DIR} from './commands.js'

/** kamal-proxy's image runs as user kamal-proxy, uid 1001: its files must be readable by it only. */
const PROXY_UID = 1001
const TLS_DIR = 'discode-tls'

export interface ProxyCertificatePaths {
  certificate: string
  privateKey: string
}

/** Where an app's pair lives inside the proxy container (relative parts, then the absolute paths). */
export function proxyCertificatePaths(app: string, fingerprint: string): ProxyCertificatePaths & {dir: string} {
  const dir = `${TLS_DIR}/${app}/${fingerprint.slice(0, 16)}`
  return {dir, certificate: `${PROXY_STATE_DIR}/${dir}/cert.pem`, privateKey: `${PROXY_STATE_DIR}/${dir}/key.pem`}
}

/**
 * The archive that creates the directories (0700) and the pair (0600), owned by the proxy's user.
 * tar-stream loads here, when a stored certificate is deployed, not at the start of every command.
 */
async function certificateArchive(dir: string, pair: CertificatePair) {
  const {pack} = await import('tar-stream')
  const archive = pack()
  const owner = {uid: PROXY_UID, gid: PROXY_UID, mtime: new Date()}
  const parts = dir.split('/')
  for (let i = 1; i <= parts.length; i++) archive.entry({...owner, name: `${parts.slice(0, i).join('/')}/`, type: 'directory', mode: 0o700})
  archive.entry({...owner, name: `${dir}/cert.pem`, mode: 0o600}, pair.cert)
  archive.entry({...owner, name: `${dir}/key.pem`, mode: 0o600}, pair.key)
  archive.finalize()
  return archive
}

/**
 * The deploy arguments with the app's own certificate when one is stored (`--tls` and the two paths),
 * after checking it covers the route's hosts; unchanged otherwise.
 */
export async function withStoredCertificate(
  docker: DockerClient,
  proxyContainer: string,
  home: string,
  args: DeployArgs,
): Promise<DeployArgs> {
  const pair = readCertificate(home, args.service)
  if (!pair) return args
  const facts = checkCertificatePair(pair, args.hosts)
  const paths = proxyCertificatePaths(args.service, facts.fingerprint)
  await docker
    .getContainer(proxyContainer)
    .putArchive((await certificateArchive(paths.dir, pair)) as unknown as NodeJS.ReadableStream, {path: PROXY_STATE_DIR})
  return {...args, tls: true, tlsCertificatePath: paths.certificate, tlsPrivateKeyPath: paths.privateKey}
}
