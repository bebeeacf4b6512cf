/**
 * Imported first by the command-line tools that use the S3 store from Node.
 * The AWS SDK prints on every run that its releases after January 2027 need
 * Node 22; this project pins versions that run on Node 20 on purpose, so the
 * notice is noise for its users. Real errors and warnings are unaffected.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export {};
