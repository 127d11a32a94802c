// Next.js serves only the console UI; the API lives in the custom server (server/index.ts).
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Types are checked by `npm run typecheck` over the whole repository (engine included).
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
};

export default nextConfig;
