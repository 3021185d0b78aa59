// Typed confirmation on the terminal: only the exact word `yes` proceeds.
import { createInterface } from 'node:readline/promises';

export async function confirmTyped(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim() === 'yes';
  } finally {
    rl.close();
  }
}
