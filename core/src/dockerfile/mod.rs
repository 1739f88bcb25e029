//! Reading a Dockerfile for the context paths its build uses (BuildKit's FollowPaths).
