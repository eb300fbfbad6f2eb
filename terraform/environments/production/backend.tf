# Remote state in S3 (versioned, encrypted with KMS) with a DynamoDB lock table, both created by terraform/bootstrap.
terraform {
  backend "s3" {
    bucket         = "kasho-terraform-state"
    key            = "production/terraform.tfstate"
    region         = "eu-central-1"
    dynamodb_table = "kasho-terraform-locks"
    encrypt        = true
    kms_key_id     = "alias/kasho-terraform-state"
  }
}
