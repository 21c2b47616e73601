/** The address a customer opens for an app: the proxy's HTTP port is part of it unless it is 80. */
export function appUrl(host: string, httpPort: number): string {
  return httpPort === 80 ? `http://${host}` : `http://${host}:${httpPort}`
}
