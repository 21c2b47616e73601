/** A vendor's release feed for the unit tests, served over HTTP on 127.0.0.1, counting its fetches. */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface FeedRelease {
  version: string
  image: string
  channel?: string
  notes?: string
  required?: boolean
  minimumFrom?: string
}

export class FeedServer {
  releases: FeedRelease[] = []
  /** GETs of the feed so far. */
  hits = 0
  private server?: Server

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined
    if (!address) throw new Error('the feed server is not started')
    return `http://127.0.0.1:${address.port}/feed.json`
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      if (request.url !== '/feed.json') {
        response.writeHead(404).end()
        return
      }
      this.hits++
      response.writeHead(200, {'content-type': 'application/json', connection: 'close'})
      response.end(JSON.stringify({releases: this.releases}))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
