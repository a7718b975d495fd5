"""Shared file storage: EFS file systems with their mount targets, access points and the NFS path to their clients."""
