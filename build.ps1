#!/usr/bin/env pwsh
# Bootstraps and runs the build (build/_build.csproj), like build.sh:
#  - uses dotnet from PATH when it has the SDK global.json asks for, else installs that SDK into .nuke/temp/dotnet;
#  - compiles the build project only when its inputs (build/, src/, props, global.json) changed;
#  - runs the compiled dll directly, so a warm run pays no MSBuild.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Temp = Join-Path $Root '.nuke/temp'
$Bin = Join-Path $Temp 'build-bin'
$Stamp = Join-Path $Temp 'build-inputs.sha256'
$DotnetPathFile = Join-Path $Temp 'dotnet-path'

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
$env:DOTNET_GENERATE_ASPNET_CERTIFICATE = 'false'

function Get-InputsHash {
    $extensions = '.cs', '.csproj', '.json', '.props', '.targets'
    $files = Get-ChildItem -Path (Join-Path $Root 'build'), (Join-Path $Root 'src') -Recurse -File |
        Where-Object { $extensions -contains $_.Extension -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } |
        Sort-Object FullName
    $files += 'global.json', 'Directory.Build.props', 'Directory.Packages.props' | ForEach-Object { Get-Item (Join-Path $Root $_) }
    $lines = $files | ForEach-Object { (Get-FileHash $_.FullName -Algorithm SHA256).Hash + ' ' + $_.FullName.Substring($Root.Length) }
    $bytes = [Text.Encoding]::UTF8.GetBytes(($lines -join "`n"))
    return [BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($bytes)).Replace('-', '')
}

function Test-Sdk([string] $exe) {
    Push-Location $Root
    try { & $exe --version *> $null; return $LASTEXITCODE -eq 0 } catch { return $false } finally { Pop-Location }
}

function Resolve-Dotnet {
    $onPath = Get-Command dotnet -ErrorAction SilentlyContinue
    if ($onPath -and (Test-Sdk $onPath.Source)) { return $onPath.Source }
    $exeName = if ($IsWindows -or $env:OS -eq 'Windows_NT') { 'dotnet.exe' } else { 'dotnet' }
    $local = Join-Path $Temp "dotnet/$exeName"
    if (-not ((Test-Path $local) -and (Test-Sdk $local))) {
        Write-Host "Installing the .NET SDK from global.json into $Temp/dotnet"
        New-Item -ItemType Directory -Force -Path $Temp | Out-Null
        $script = Join-Path $Temp 'dotnet-install.ps1'
        Invoke-WebRequest -Uri 'https://dot.net/v1/dotnet-install.ps1' -OutFile $script -UseBasicParsing
        & $script -JsonFile (Join-Path $Root 'global.json') -InstallDir (Join-Path $Temp 'dotnet') -NoPath
    }
    return $local
}

$hash = Get-InputsHash
$dll = Join-Path $Bin '_build.dll'
if ((Test-Path $dll) -and (Test-Path $Stamp) -and (Test-Path $DotnetPathFile) -and ((Get-Content $Stamp -Raw).Trim() -eq $hash)) {
    & (Get-Content $DotnetPathFile -Raw).Trim() $dll @args
    exit $LASTEXITCODE
}

New-Item -ItemType Directory -Force -Path $Temp | Out-Null
$dotnet = Resolve-Dotnet
Write-Host 'Compiling the build project (build/ or src/ changed)'
$log = Join-Path $Temp 'build-compile.log'
& $dotnet build (Join-Path $Root 'build/_build.csproj') -c Release -o $Bin -nologo -v q '-clp:NoSummary' *> $log
if ($LASTEXITCODE -ne 0) {
    Get-Content $log | Select-String -Pattern 'error|warning' | ForEach-Object { Write-Host $_ }
    Write-Error "The build project failed to compile; full log: $log"
    exit 1
}
Set-Content -Path $Stamp -Value $hash
Set-Content -Path $DotnetPathFile -Value $dotnet
& $dotnet $dll @args
exit $LASTEXITCODE
