// What a model predicts: the article's binary task (punch vs. not-punch, one sigmoid unit) or the
// 3-way one (punch, kick, other). Dataset labels map to class indices here, and nowhere else.
export type Task = 'binary' | 'ternary';
export const TASKS: readonly Task[] = ['binary', 'ternary'];

/** Class names in output order. Binary is the article's punch vs. not-punch (one sigmoid unit). */
export const TASK_CLASSES: Record<Task, string[]> = {
  binary: ['not-punch', 'punch'],
  ternary: ['punch', 'kick', 'other'],
};

export function labelIndex(task: Task, label: string): number {
  if (task === 'binary') return label === 'punch' ? 1 : 0;
  const i = TASK_CLASSES.ternary.indexOf(label);
  if (i < 0) throw new Error(`unknown class "${label}" (classes are ${TASK_CLASSES.ternary.join(', ')})`);
  return i;
}

export function parseTask(text: string): Task {
  if (!(TASKS as readonly string[]).includes(text))
    throw new Error(`unknown task "${text}" (tasks are ${TASKS.join(', ')})`);
  return text as Task;
}
