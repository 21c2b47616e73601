import type {Recipe} from '../../recipes/schema.js'
import type {Strategy} from '../strategy.js'
import {bluegreen} from './bluegreen.js'
import {pause} from './pause.js'

/** The one place a strategy is chosen: a new strategy is a file in this folder and a line here. */
const STRATEGIES: Record<Recipe['strategy'], Strategy> = {bluegreen, pause}

export function strategyFor(recipe: Pick<Recipe, 'strategy'>): Strategy {
  return STRATEGIES[recipe.strategy]
}
