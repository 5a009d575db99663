/**
 * The four validations, imported together by the compiles that run one (see `compile.ts`): they
 * read tldts and its public-suffix trie, which the other transformations never need.
 */
export { validate } from "./validate";
export { validateAllowIp } from "./validate-allow-ip";
export { validateAllowIpAndPublicSuffix } from "./validate-allow-ip-and-public-suffix";
export { validateAllowPublicSuffix } from "./validate-allow-public-suffix";
