/** s3rver accepts exactly this key pair (it checks request signatures). Not a secret: local servers only. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
