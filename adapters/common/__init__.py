"""What every partner adapter shares: HTTP client settings, mTLS, errors, safe XML, simulators."""
