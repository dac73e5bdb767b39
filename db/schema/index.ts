export * from './auth';
export * from './templates';
export * from './audit';
export * from './clouds';
export * from './throttles';
export * from './regions';
export * from './builds';
export * from './budgets';
