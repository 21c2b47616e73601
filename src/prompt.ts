import type {RecipeInput} from './lifecycle/inputs.js'

/** Asks for one recipe input on the terminal (inquirer, loaded only when a prompt is needed). */
export async function promptForInput(input: RecipeInput): Promise<string> {
  const {input: ask, password} = await import('@inquirer/prompts')
  const message = input.description ? `${input.description} (${input.name})` : input.name
  const validate = (value: string) => {
    if (input.required && value === '') return `${input.name} is required`
    if (input.pattern && value !== '' && !new RegExp(input.pattern).test(value)) return `must match ${input.pattern}`
    return true
  }
  return input.secret ? password({message, mask: '*', validate}) : ask({message, default: input.default, validate})
}
