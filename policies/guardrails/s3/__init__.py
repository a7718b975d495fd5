"""Amazon S3 policies: general purpose buckets and the separate resources that configure them."""
