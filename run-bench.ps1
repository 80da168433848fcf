#!/usr/bin/env pwsh
# HookBench's main command for PowerShell 7 (Windows, Linux, macOS); mirrors run-bench.sh.
# Builds the suite once in Release, then runs `hookbench` with the given arguments.
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$project = Join-Path $root 'benchmarks/HookBench.Benchmarks/hookbench.csproj'
$exe = Join-Path $root 'benchmarks/HookBench.Benchmarks/bin/Release/net10.0/hookbench.dll'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine('run-bench.ps1: the .NET 10 SDK is required (dotnet was not found on PATH)')
    exit 2
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
$buildLog = & dotnet build $project -c Release --nologo -v quiet 2>&1
if ($LASTEXITCODE -ne 0) {
    $buildLog | ForEach-Object { [Console]::Error.WriteLine($_) }
    [Console]::Error.WriteLine('run-bench.ps1: the Release build failed (see above)')
    exit 2
}

$forward = @($args)
if ($forward.Count -eq 0) {
    # The main job: the quick matrix through the native timing loop.
    $forward = @('run')
}
& dotnet $exe @forward
exit $LASTEXITCODE
