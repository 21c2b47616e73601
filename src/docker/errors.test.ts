import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'
import {dockerError, DockerUnavailableError, isNotFound, statusOf} from './errors.js'

/** An error as docker-modem rejects with when Docker answers with an error status. */
function httpError(statusCode: number, message: string) {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {statusCode, json: {message}})
}

describe('dockerError', () => {
  it('says Docker is unreachable, where, and what to do, for socket errors', () => {
    const saved = process.env.DOCKER_HOST
    delete process.env.DOCKER_HOST
    try {
      const refused = dockerError(Object.assign(new Error('connect'), {code: 'ECONNREFUSED'}), 'list containers')
      assert.ok(refused instanceof DockerUnavailableError)
      assert.equal(refused.code, 'DOCKER_UNAVAILABLE')
      assert.equal(refused.message, 'Docker is not running or not reachable at /var/run/docker.sock (ECONNREFUSED)')
      assert.match(refused.hint ?? '', /systemctl start docker/)
      const denied = dockerError(Object.assign(new Error('connect'), {code: 'EACCES'}), 'list containers')
      assert.match(denied.hint ?? '', /docker group/)
    } finally {
      if (saved !== undefined) process.env.DOCKER_HOST = saved
    }
  })

  it("gives Docker's own message (first line) for an HTTP error, with what discode was doing", () => {
    const error = dockerError(httpError(409, 'Conflict. The container name "/x" is already in use\nmore'), 'create container x')
    assert.equal(error.message, 'Could not create container x: Conflict. The container name "/x" is already in use')
    assert.equal(error.code, 'DOCKER_ERROR')
    assert.equal(statusOf(error.cause), 409)
  })

  it('says what to do when Docker has no address pool left for another network (one per app)', () => {
    const message = 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network'
    const error = dockerError(httpError(400, message), 'create network discode.s30')
    assert.equal(error.message, 'Could not create network discode.s30: Docker has no address range left for another network')
    assert.equal(error.code, 'NETWORK_POOLS_EXHAUSTED')
    assert.match(error.hint ?? '', /default-address-pools.*daemon\.json.*restart Docker/)
  })

  it("drops docker-modem's status prefix when there is no JSON body, and keeps DiscodeErrors as they are", () => {
    assert.equal(dockerError(new Error('(HTTP code 500) server error - boom'), 'ping').message, 'Could not ping: server error - boom')
    const own = new DiscodeError('already explained', {code: 'X'})
    assert.equal(dockerError(own, 'anything'), own)
  })

  it('tells a 404 from other failures', () => {
    assert.equal(isNotFound(httpError(404, 'No such container: x')), true)
    assert.equal(isNotFound(httpError(409, 'conflict')), false)
    assert.equal(isNotFound(Object.assign(new Error('connect'), {code: 'ENOENT'})), false)
  })
})
