"""Components that build the platform's resources. They never read stack config: __main__.py hands them typed args."""
