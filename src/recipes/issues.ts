/**
 * Turns zod issues into one-line, user-facing problems: a key path such as `hooks.preSwitch[0].run`
 * and a reason that quotes the offending value and, for a typo, suggests the closest known name.
 */
import {z} from 'zod'

export interface Problem {
  /** Key path, e.g. `health.interval`; empty for the document itself. */
  path: string
  message: string
  /** The same path as keys and indexes, to find the value in the source document. */
  segments: readonly PropertyKey[]
}

type PathSegment = PropertyKey

export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(segment))) out += (out ? '.' : '') + String(segment)
    else out += `[${JSON.stringify(String(segment))}]`
  }
  return out
}

/** A short rendering of a value for a message: strings quoted, containers named. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text
}

/** The candidate within edit distance 2 of `word`, when one is that close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: {candidate: string; distance: number} | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance <= 2 && distance < word.length && (!best || distance < best.distance)) best = {candidate, distance}
  }
  return best?.candidate
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates)
  return suggestion ? ` (did you mean "${suggestion}"?)` : ''
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

/** Parses `data` and returns either the output or every problem found. */
export function check<S extends z.ZodType>(schema: S, data: unknown): {ok: true; value: z.output<S>} | {ok: false; problems: Problem[]} {
  const result = schema.safeParse(data, {reportInput: true})
  if (result.success) return {ok: true, value: result.data}
  const meant = meantKeys(schema, result.error.issues)
  const issues = result.error.issues.filter((issue) => !(isMissing(issue) && meant.has(formatPath(issue.path))))
  return {ok: false, problems: issues.flatMap((issue) => issueProblems(schema, issue))}
}

/**
 * Paths of known keys that an unknown key was probably meant to be: a misspelt `rnu` also makes `run`
 * missing, and "did you mean" already says so, so the "is required" is left out.
 */
function meantKeys(schema: z.ZodType, issues: z.core.$ZodIssue[]): Set<string> {
  const meant = new Set<string>()
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue
    const known = knownKeysAt(schema, issue.path)
    for (const key of issue.keys) {
      const suggestion = closest(key, known)
      if (suggestion) meant.add(formatPath([...issue.path, suggestion]))
    }
  }
  return meant
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && (issue as {input?: unknown}).input === undefined
}

export function problemAt(segments: readonly PathSegment[], message: string): Problem {
  return {path: formatPath(segments), message, segments}
}

function issueProblems(schema: z.ZodType, issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path)
    return issue.keys.map((key) => problemAt([...issue.path, key], `unknown key${didYouMean(key, known)}`))
  }
  return [problemAt(issue.path, issueReason(issue))]
}

function issueReason(issue: z.core.$ZodIssue): string {
  const input = (issue as {input?: unknown}).input
  switch (issue.code) {
    case 'invalid_type':
      return isMissing(issue)
        ? 'is required'
        : `expected ${expectedName(issue.expected)}, got ${describeValue(input)}${quoteHint(issue.expected, input)}`
    case 'invalid_value':
      return `${describeValue(input)} is not one of ${issue.values.map(String).join(', ')}${typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : ''}`
    case 'too_small':
    case 'too_big':
      return sizeReason(issue, input)
    case 'invalid_key':
      return issue.issues[0] ? issueReason(issue.issues[0]) : issue.message
    default:
      // Custom messages (set in the schemas) already read as a reason.
      return issue.message
  }
}

function sizeReason(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, input: unknown): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum
  const atLeast = issue.code === 'too_small'
  if (issue.origin === 'array')
    return atLeast ? `must have at least ${bound} item${bound === 1 ? '' : 's'}` : `must have at most ${bound} items`
  if (issue.origin === 'string')
    return atLeast && bound === 1 ? 'must not be empty' : `must be ${atLeast ? 'at least' : 'at most'} ${bound} characters`
  return `${describeValue(input)} must be ${atLeast ? 'at least' : 'at most'} ${bound}`
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
    boolean: 'true or false',
  }
  return names[expected] ?? expected
}

/** YAML reads `3000` and `true` as numbers and booleans; say how to keep them text. */
function quoteHint(expected: string, input: unknown): string {
  return expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? ` (quote it: "${String(input)}")` : ''
}

/** The keys a strict object accepts at `path`, found by walking the schema the way the data was walked. */
function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema)
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType
    else return []
    current = current && unwrap(current)
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : []
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return unwrap(schema.unwrap() as z.ZodType)
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType)
  return schema
}
