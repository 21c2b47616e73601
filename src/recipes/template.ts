/**
 * Handlebars for recipe values. One isolated instance: strict (an unknown variable is an error, not an
 * empty string), no HTML escaping (values are not HTML), no `log` helper (it could print a secret),
 * and the runtime's default refusal of prototype properties and methods.
 */
import Handlebars from 'handlebars'

const hb = Handlebars.create()
hb.unregisterHelper('log')

const COMPILE_OPTIONS = {noEscape: true, strict: true} as const
const RUNTIME_OPTIONS = {allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false} as const
/** Block helpers whose body sees the same context as the template, so its variables can be checked. */
const SAME_CONTEXT_BLOCKS = new Set(['if', 'unless'])

export interface TemplateVariable {
  /** Dotted path from the context root, e.g. `inputs.hostname`. */
  name: string
  /** Whether the variable is read from the root context (so it can be checked before rendering). */
  atRoot: boolean
}

/** Why `source` is not a valid template, or undefined when it compiles. */
export function templateSyntaxError(source: string): string | undefined {
  try {
    hb.precompile(source, COMPILE_OPTIONS)
    const partial = findPartial(hb.parse(source))
    return partial ? `partials are not supported ("{{> ${partial}}}")` : undefined
  } catch (error) {
    return `is not a valid template: ${oneLine(error)}`
  }
}

export function renderTemplate(source: string, context: object): string {
  return hb.compile(source, COMPILE_OPTIONS)(context, RUNTIME_OPTIONS)
}

/** Helper names a template can call. */
function isHelper(name: string): boolean {
  return Object.hasOwn(hb.helpers, name)
}

/** Every variable the template reads, in source order. */
export function templateVariables(source: string): TemplateVariable[] {
  const found: TemplateVariable[] = []
  visitProgram(hb.parse(source), true, found)
  return found
}

/**
 * The full name of the variable a strict-mode error is about: Handlebars only names the last part
 * (`"hostnme" not defined in ...`), so find the path in the template that has it.
 */
export function undefinedVariable(source: string, error: unknown): string | undefined {
  const part = /^"(.+)" not defined in/.exec(error instanceof Error ? error.message : '')?.[1]
  if (part === undefined) return undefined
  return templateVariables(source).find((variable) => variable.name.split('.').includes(part))?.name ?? part
}

type Node = hbs.AST.Node

function visitProgram(program: hbs.AST.Program, atRoot: boolean, found: TemplateVariable[]): void {
  for (const statement of program.body) visitNode(statement, atRoot, found)
}

function visitNode(node: Node, atRoot: boolean, found: TemplateVariable[]): void {
  switch (node.type) {
    case 'MustacheStatement':
    case 'SubExpression': {
      const call = node as hbs.AST.MustacheStatement | hbs.AST.SubExpression
      const isCall =
        call.params.length > 0 ||
        call.hash !== undefined ||
        (call.path.type === 'PathExpression' && isHelper((call.path as hbs.AST.PathExpression).original))
      if (!isCall) visitNode(call.path, atRoot, found)
      visitArguments(call, atRoot, found)
      break
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement
      if (!isHelper(block.path.original)) visitNode(block.path, atRoot, found)
      visitArguments(block, atRoot, found)
      const bodyAtRoot = atRoot && SAME_CONTEXT_BLOCKS.has(block.path.original)
      if (block.program) visitProgram(block.program, bodyAtRoot, found)
      if (block.inverse) visitProgram(block.inverse, bodyAtRoot, found)
      break
    }
    case 'PathExpression': {
      const path = node as hbs.AST.PathExpression
      // `@index`, `this` and `../x` depend on where they are rendered; only root names are checkable.
      if (path.data || path.parts.length === 0) break
      found.push({name: path.parts.join('.'), atRoot: atRoot && path.depth === 0 && !/^(this\b|\.)/.test(path.original)})
      break
    }
  }
}

function visitArguments(call: {params: hbs.AST.Expression[]; hash?: hbs.AST.Hash}, atRoot: boolean, found: TemplateVariable[]): void {
  for (const param of call.params) visitNode(param, atRoot, found)
  for (const pair of call.hash?.pairs ?? []) visitNode(pair.value, atRoot, found)
}

function findPartial(program: hbs.AST.Program): string | undefined {
  for (const statement of program.body) {
    if (statement.type === 'PartialStatement' || statement.type === 'PartialBlockStatement') {
      const name = (statement as hbs.AST.PartialStatement).name
      return name.type === 'PathExpression' ? (name as hbs.AST.PathExpression).original : 'partial'
    }
    if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement
      const inner = (block.program && findPartial(block.program)) ?? (block.inverse && findPartial(block.inverse))
      if (inner) return inner
    }
  }
  return undefined
}

/** Handlebars parse errors span several lines (excerpt, caret, expected tokens); keep what explains them. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const [first, excerpt, , expected] = message.split('\n')
  const where = /^Parse error on (line \d+):/.exec(first)?.[1]
  if (!where) return first.replace(/ - \d+:\d+$/, '')
  const got = /got '(\w+)'$/.exec(expected ?? '')?.[1]
  const what =
    got === 'EOF'
      ? 'unexpected end (a missing "}}" or closing block?)'
      : got === 'INVALID' || !got
        ? 'unexpected character'
        : `unexpected ${got.toLowerCase()}`
  return `${what} near ${JSON.stringify(excerpt)} (${where})`
}
