/**
 * Maintenance windows: `"Sat,Sun 02:00-05:00"`, `"Mon-Fri 22:00-02:00"` (past midnight: the window
 * belongs to the day it starts on), `"03:00-04:00"` (every day). Times are wall-clock times in an
 * IANA time zone, converted with Intl (the runtime's own tz database), so summer time is handled.
 * Pure: the clock is a parameter.
 */
import {DiscodeError} from '../errors.js'

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

export interface Window {
  /** Days the window starts on, 0 = Sunday. */
  days: number[]
  /** Minutes after midnight. */
  start: number
  end: number
}

function badWindow(spec: string, why: string): DiscodeError {
  return new DiscodeError(`--window ${JSON.stringify(spec)} ${why}`, {
    hint: 'Write it as DAYS HH:MM-HH:MM, e.g. "Sat,Sun 02:00-05:00" or "Mon-Fri 22:00-02:00" (days are optional: every day)',
    code: 'BAD_WINDOW',
  })
}

export function parseWindow(spec: string): Window {
  const match = /^\s*(?:([A-Za-z,\s-]+?)\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(spec)
  if (!match) throw badWindow(spec, 'is not a window')
  const [, dayList, h1, m1, h2, m2] = match
  const start = minutes(spec, h1, m1)
  const end = minutes(spec, h2, m2)
  if (start === end) throw badWindow(spec, 'is empty (it starts when it ends)')
  const days = dayList === undefined ? [0, 1, 2, 3, 4, 5, 6] : parseDays(spec, dayList)
  return {days, start, end}
}

function minutes(spec: string, hours: string, mins: string): number {
  const h = Number(hours)
  const m = Number(mins)
  // 24:00 is allowed as an end ("until midnight").
  if (m > 59 || h > 24 || (h === 24 && m > 0)) throw badWindow(spec, `has a time that is not HH:MM (${hours}:${mins})`)
  return h * 60 + m
}

function parseDays(spec: string, list: string): number[] {
  const days = new Set<number>()
  for (const part of list.split(',').map((p) => p.trim().toLowerCase())) {
    if (part === 'daily' || part === 'every day' || part === '*') return [0, 1, 2, 3, 4, 5, 6]
    const [first, last] = part.split('-').map((day) => day.trim())
    const from = dayIndex(spec, first)
    const to = last === undefined ? from : dayIndex(spec, last)
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day)
      if (day === to) break
    }
  }
  return [...days].sort()
}

function dayIndex(spec: string, name: string): number {
  const index = DAYS.indexOf(name.slice(0, 3))
  if (index < 0 || name.length < 3) throw badWindow(spec, `has ${JSON.stringify(name)}, which is not a day (Mon, Tue, ... Sun)`)
  return index
}

/** Throws a clear error for a time zone Intl does not know; returns its canonical name. */
export function checkTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', {timeZone: zone}).resolvedOptions().timeZone
  } catch {
    throw new DiscodeError(`--timezone ${JSON.stringify(zone)} is not a time zone`, {
      hint: 'Give an IANA name such as Europe/Berlin, America/New_York or UTC',
      code: 'BAD_TIMEZONE',
    })
  }
}

/** The host's time zone, the default for a window without --timezone. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** Day of the week (0 = Sunday) and minutes after midnight of `now` on the wall clock of `zone`. */
export function wallClock(now: Date, zone: string): {day: number; minute: number} {
  const parts = new Intl.DateTimeFormat('en-US', {timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
    .formatToParts(now)
    .reduce<Record<string, string>>((all, part) => ({...all, [part.type]: part.value}), {})
  return {day: DAYS.indexOf(parts.weekday.toLowerCase()), minute: Number(parts.hour) * 60 + Number(parts.minute)}
}

/** Whether the window is open at `now` in `zone`. */
export function isWindowOpen(window: Window, zone: string, now: Date): boolean {
  const {day, minute} = wallClock(now, zone)
  if (window.start < window.end) return window.days.includes(day) && minute >= window.start && minute < window.end
  // Past midnight: the evening part on a listed day, the morning part on the day after one.
  const yesterday = (day + 6) % 7
  return (window.days.includes(day) && minute >= window.start) || (window.days.includes(yesterday) && minute < window.end)
}
