// The rule and filter language: parse once, check against the schema, compile to SQL or
// evaluate in memory. Everything outside this folder goes through these exports.
export type {
  CompareExpr,
  CompareOp,
  Expr,
  LiteralValue,
  LogicalExpr,
  MacroName,
  ModifierName,
  Operand,
  RuleAst,
} from "./rule-ast.js";
export { macroNames, modifierNames } from "./rule-ast.js";
export { maxListItems, type RequestInfo } from "./rule-bind.js";
export {
  type CheckOptions,
  checkRule,
  implies,
  maxCollectionAliases,
  maxGuardDepth,
  maxPathSteps,
  type RulePlan,
  type RuleProblem,
  type SchemaLookup,
} from "./rule-check.js";
export {
  type EvaluateScope,
  evaluateRule,
  type RecordData,
  type RecordLoader,
} from "./rule-eval.js";
export { type ParseOptions, parseRule, RuleSyntaxError, ruleLimits } from "./rule-parser.js";
export { compileSort, maxSortKeys } from "./rule-sort.js";
export {
  type CompileScope,
  compileFilter,
  compileFilterPlan,
  compileRule,
  compileRulePlan,
} from "./rule-sql.js";
