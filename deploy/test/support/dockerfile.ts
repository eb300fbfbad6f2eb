/** One Dockerfile instruction: its keyword, its arguments (continuations joined) and the stage it belongs to. */
export interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Splits a Dockerfile into instructions, joining backslash continuations and dropping comments. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let stage = -1;
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || (pending === '' && line.trim() === '')) continue;
    pending += line.replace(/\\\s*$/, ' ');
    if (/\\\s*$/.test(line)) continue;
    const [, keyword, args] = /^\s*(\w+)\s+([\s\S]*)$/.exec(pending.trim()) ?? [];
    pending = '';
    if (!keyword) continue;
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    instructions.push({ keyword: keyword.toUpperCase(), args: args.trim().replace(/\s+/g, ' '), stage });
  }
  return instructions;
}
